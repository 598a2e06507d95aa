package ca.eazybackup.e3.whmcs.mail;

import ca.eazybackup.e3.whmcs.ServerConfig;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/** SMTP through Jakarta Mail, to an unauthenticated relay (a local MTA or a mail catcher). */
public final class JakartaSmtpSender implements SmtpSender {
  private final Session session;
  private final String from;

  public JakartaSmtpSender(ServerConfig.Smtp smtp) {
    Properties props = new Properties();
    props.put("mail.smtp.host", smtp.host());
    props.put("mail.smtp.port", String.valueOf(smtp.port()));
    props.put("mail.smtp.connectiontimeout", "5000");
    props.put("mail.smtp.timeout", "10000");
    this.session = Session.getInstance(props);
    this.from = smtp.from();
  }

  @Override
  public void send(String to, String subject, String body) {
    try {
      MimeMessage m = new MimeMessage(session);
      m.setFrom(new InternetAddress(from));
      m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(to));
      m.setSubject(subject, "UTF-8");
      m.setText(body, "UTF-8");
      Transport.send(m);
    } catch (MessagingException e) {
      throw new IllegalStateException("SMTP send to " + to + " failed: " + e.getMessage(), e);
    }
  }
}
