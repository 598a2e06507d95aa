package ca.eazybackup.e3.shims;

/** Whether this process runs elevated (mappings made elevated are invisible to Explorer). */
public interface Elevation {

  boolean isElevated();
}
