package ca.eazybackup.e3.agent.api;

/** The addon's answer to {@code agent_update_run}: the run's stored status and the cancel flag. */
public record UpdateRunResponse(String runStatus, boolean cancelRequested) {}
