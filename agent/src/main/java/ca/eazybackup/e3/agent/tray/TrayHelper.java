package ca.eazybackup.e3.agent.tray;

import ca.eazybackup.e3.shims.WindowsHost;
import java.awt.Color;
import java.awt.Desktop;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The per-user tray helper: started in each interactive session (the installer's Run key), it asks
 * the service for its status over the tray channel and shows it in the notification area - state,
 * the run in progress, the last run - with "Open log folder" and "Exit". Where there is no tray
 * (headless, a server core, {@code --once}) it prints the same line instead.
 */
public final class TrayHelper {
  private final StatusSource client;
  private final PrintStream out;
  private final UserDriveMapper drives;

  /** A helper that shows the status only. */
  public TrayHelper(Path configDir, PrintStream out) {
    this(configDir, out, null);
  }

  /**
   * A helper that also maps the service's Cloud NAS drives in this session through {@code host},
   * asking over this session's pipe where {@code host} has them (Windows), else over loopback.
   */
  public TrayHelper(Path configDir, PrintStream out, WindowsHost host) {
    this.client = StatusSource.forHost(configDir, host);
    this.out = out;
    this.drives = host == null ? null : new UserDriveMapper(host);
  }

  /** One status line (and the drive changes made), or why there is none; true when answered. */
  public boolean printOnce() throws InterruptedException {
    try {
      AgentStatus status = client.status();
      out.println(status.summary());
      mapDrives(status).forEach(out::println);
      return true;
    } catch (IOException e) {
      out.println("e3 Backup: " + e.getMessage());
      return false;
    }
  }

  /** Shows the tray icon until the user picks Exit, polling every {@code every}. */
  public void showUntilExit(Duration every) throws Exception {
    if (GraphicsEnvironment.isHeadless() || !SystemTray.isSupported()) {
      out.println("no system tray here; printing the status every " + every.toSeconds() + " s");
      while (true) {
        printOnce();
        Thread.sleep(every.toMillis());
      }
    }
    CountDownLatch exit = new CountDownLatch(1);
    PopupMenu menu = new PopupMenu();
    MenuItem statusItem = new MenuItem("e3 Backup: asking the service…");
    statusItem.setEnabled(false);
    MenuItem openLog = new MenuItem("Open log folder");
    MenuItem quit = new MenuItem("Exit");
    menu.add(statusItem);
    menu.addSeparator();
    menu.add(openLog);
    menu.add(quit);
    TrayIcon icon = new TrayIcon(dot(Color.GRAY), "e3 Backup", menu);
    icon.setImageAutoSize(true);
    String[] logDir = {null};
    openLog.addActionListener(
        e -> {
          if (logDir[0] != null && Desktop.isDesktopSupported()) {
            try {
              Desktop.getDesktop().open(new File(logDir[0]));
            } catch (IOException | RuntimeException ex) {
              icon.displayMessage(
                  "e3 Backup", "Cannot open " + logDir[0], TrayIcon.MessageType.ERROR);
            }
          }
        });
    quit.addActionListener(e -> exit.countDown());
    SystemTray.getSystemTray().add(icon);
    ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
    poller.scheduleWithFixedDelay(
        () -> {
          String text;
          Color color;
          try {
            AgentStatus status = client.status();
            text = status.summary();
            for (String change : mapDrives(status)) {
              icon.displayMessage("e3 Backup", change, TrayIcon.MessageType.INFO);
            }
            logDir[0] = status.logDir();
            color =
                status.lastRun() != null && !"success".equals(status.lastRun().status())
                    ? Color.ORANGE
                    : new Color(0, 150, 0);
          } catch (IOException e) {
            text = "e3 Backup: " + e.getMessage();
            color = Color.RED;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          statusItem.setLabel(text);
          icon.setToolTip(text.length() > 127 ? text.substring(0, 127) : text);
          icon.setImage(dot(color));
        },
        0,
        every.toMillis(),
        TimeUnit.MILLISECONDS);
    exit.await();
    poller.shutdownNow();
    if (drives != null) {
      drives.removeAll();
    }
    SystemTray.getSystemTray().remove(icon);
  }

  private List<String> mapDrives(AgentStatus status) {
    return drives == null ? List.of() : drives.apply(status.drives());
  }

  private static BufferedImage dot(Color color) {
    BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillOval(2, 2, 12, 12);
    g.dispose();
    return image;
  }
}
