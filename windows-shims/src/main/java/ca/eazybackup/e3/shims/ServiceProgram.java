package ca.eazybackup.e3.shims;

/** A Windows service's two entry points: ServiceMain and its control handler (HandlerEx). */
public interface ServiceProgram {

  /**
   * ServiceMain: starts the work, reports {@link ServiceState#START_PENDING} with checkpoints while
   * it starts and {@link ServiceState#RUNNING} once it runs, and returns only after a stop was
   * requested and the work is finished or checkpointed, reporting {@link ServiceState#STOP_PENDING}
   * with increasing checkpoints meanwhile. The dispatcher reports SERVICE_STOPPED with the returned
   * exit code (0: clean).
   */
  int main(ServiceStatus status) throws Exception;

  /**
   * HandlerEx, on the dispatcher thread: the SCM waits at most 30 s for it to return, so it only
   * reports STOP_PENDING and signals the main thread; the stop itself happens in {@link #main}.
   */
  void control(ServiceControlRequest request, ServiceStatus status);
}
