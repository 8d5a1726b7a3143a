package dev.tended.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Renders the sd-daemon(3) priority prefix ({@code <3>} error, {@code <4>} warning, {@code <6>} info,
 * {@code <7>} debug) that journald reads from a service's stdout. Public only because Logback
 * instantiates it by name.
 */
public final class SyslogPriorityConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    int level = event.getLevel().toInt();
    if (level >= Level.ERROR_INT) {
      return "<3>";
    }
    if (level >= Level.WARN_INT) {
      return "<4>";
    }
    if (level >= Level.INFO_INT) {
      return "<6>";
    }
    return "<7>";
  }
}
