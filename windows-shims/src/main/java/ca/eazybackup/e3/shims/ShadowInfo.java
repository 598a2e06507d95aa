package ca.eazybackup.e3.shims;

import java.time.Instant;

/**
 * A shadow copy as VSS lists it ({@code Win32_ShadowCopy}'s {@code ID}, {@code VolumeName} as a
 * drive root, {@code InstallDate}): what the agent needs to find the copy a killed run made but did
 * not live to record.
 *
 * @param id {@code {GUID}}
 * @param volume the volume it copies, {@code C:\} (null when no drive letter names that volume)
 * @param created when VSS made it
 */
public record ShadowInfo(String id, String volume, Instant created) {}
