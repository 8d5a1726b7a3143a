package dev.tended.logging;

import ch.qos.logback.classic.pattern.ThrowableHandlingConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;

/**
 * Renders an event's exception as one more {@code key=value} field on the event's own line,
 * {@code exception="java.io.IOException: disk full | at a.B.c(B.java:12) | ... | caused by: ..."},
 * with a bounded number of frames per throwable, so that "one event per line" holds for failures too
 * and {@code grep} finds the whole story. Nothing is rendered for an event without an exception.
 * Public only because Logback instantiates it by name.
 */
public final class OneLineThrowableConverter extends ThrowableHandlingConverter {
  static final int FRAMES = 8;
  static final int CAUSES = 4;

  @Override
  public String convert(ILoggingEvent event) {
    IThrowableProxy t = event.getThrowableProxy();
    if (t == null) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (int depth = 0; t != null && depth <= CAUSES; depth++, t = t.getCause()) {
      if (depth > 0) {
        b.append(" | caused by: ");
      }
      b.append(t.getClassName());
      if (t.getMessage() != null) {
        b.append(": ").append(t.getMessage());
      }
      StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
      int shown = Math.min(FRAMES, frames.length);
      for (int i = 0; i < shown; i++) {
        b.append(" | at ").append(frames[i].getStackTraceElement());
      }
      if (frames.length > shown) {
        b.append(" | ... ").append(frames.length - shown).append(" more");
      }
    }
    return " exception=" + Kv.q(b);
  }
}
