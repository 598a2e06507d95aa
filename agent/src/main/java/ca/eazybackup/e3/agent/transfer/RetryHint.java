package ca.eazybackup.e3.agent.transfer;

/**
 * An exception that already knows whether another attempt may succeed (a storage layer that
 * classified the underlying error); {@link RetryPolicy#classify} trusts it.
 */
public interface RetryHint {
  boolean retriable();
}
