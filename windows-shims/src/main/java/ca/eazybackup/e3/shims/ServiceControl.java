package ca.eazybackup.e3.shims;

import java.util.List;

/** The agent's own Windows service: install, uninstall, start, stop (SCM). */
public interface ServiceControl {

  void install(String name, String displayName, List<String> commandLine) throws ShimException;

  void uninstall(String name) throws ShimException;

  void start(String name) throws ShimException;

  void stop(String name) throws ShimException;

  ServiceState state(String name) throws ShimException;
}
