package ca.eazybackup.e3.whmcs.mail;

/** Sends one plain-text message; the outbox row records the outcome. */
@FunctionalInterface
public interface SmtpSender {
  void send(String to, String subject, String body);
}
