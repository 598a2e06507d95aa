package ca.eazybackup.e3.shims;

import java.util.List;

/**
 * Drives and volumes (GetLogicalDrives, GetDriveTypeW, GetVolumeInformationW, WNetGetConnectionW).
 */
public interface Volumes {

  List<VolumeInfo> list() throws ShimException;
}
