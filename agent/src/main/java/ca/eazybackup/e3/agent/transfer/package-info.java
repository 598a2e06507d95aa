/**
 * What every transfer of the agent shares, whatever engine moves the bytes: one token bucket for
 * bandwidth limits ({@link ca.eazybackup.e3.agent.transfer.TokenBucket}) and the stream that meters
 * through it. The sync engine, the kopia engine and Cloud NAS all take their limits from here, so a
 * limit means the same thing everywhere.
 */
package ca.eazybackup.e3.agent.transfer;
