package ca.eazybackup.e3.agent.engine;

/** Kopia's two maintenance depths, as the {@code maintenance_quick|full} commands name them. */
public enum MaintenanceMode {
  QUICK,
  FULL
}
