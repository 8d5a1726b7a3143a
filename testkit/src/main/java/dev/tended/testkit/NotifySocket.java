package dev.tended.testkit;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A real {@code AF_UNIX} datagram socket standing in for systemd's notification socket: tests and the
 * benchmark give its path to a daemon as {@code NOTIFY_SOCKET} and read what it sent, each message with
 * its arrival time (the benchmark times start → {@code READY=1} with it). Not used by the daemons.
 * Java's own channels cannot bind a Unix datagram socket, so this calls libc through JNA.
 *
 * <p>Owns one thread ({@code notify-receiver}); {@link #close()} stops it and closes the socket.
 */
public final class NotifySocket implements AutoCloseable {
  /** One datagram: when it arrived (System.nanoTime) and its {@code KEY=value} lines. */
  public record Message(long atNanos, List<String> lines) {
    public boolean has(String line) {
      return lines.contains(line);
    }

    public boolean hasPrefix(String prefix) {
      return lines.stream().anyMatch(l -> l.startsWith(prefix));
    }
  }

  /** The few libc calls needed. */
  private interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int socket(int domain, int type, int protocol);

    int bind(int fd, byte[] address, int length);

    int setsockopt(int fd, int level, int name, long[] value, int length);

    NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags);

    int close(int fd);
  }

  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;

  private final Path path;
  private final int fd;
  private final List<Message> messages = new CopyOnWriteArrayList<>();
  private final Thread receiver;
  private volatile boolean closed;

  private NotifySocket(Path path, int fd) {
    this.path = path;
    this.fd = fd;
    this.receiver = new Thread(this::receive, "notify-receiver");
  }

  /** Binds a socket at {@code path} (which must not exist; at most 107 bytes) and starts receiving. */
  public static NotifySocket bind(Path path) {
    byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
    if (name.length > 107) {
      throw new IllegalArgumentException("socket path too long for sockaddr_un: " + path);
    }
    int fd = LibC.INSTANCE.socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd < 0) {
      throw new IllegalStateException("socket(AF_UNIX, SOCK_DGRAM) failed: errno " + Native.getLastError());
    }
    byte[] address = new byte[2 + name.length + 1];
    address[0] = AF_UNIX; // sa_family_t, little-endian on the platforms we run on
    System.arraycopy(name, 0, address, 2, name.length);
    if (LibC.INSTANCE.bind(fd, address, address.length) != 0) {
      int errno = Native.getLastError();
      LibC.INSTANCE.close(fd);
      throw new IllegalStateException("bind " + path + " failed: errno " + errno);
    }
    long[] timeval = {0, 200_000}; // 200 ms, so the receiver notices close()
    LibC.INSTANCE.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 16);
    NotifySocket s = new NotifySocket(path, fd);
    s.receiver.start();
    return s;
  }

  public Path path() {
    return path;
  }

  private void receive() {
    byte[] buf = new byte[4096];
    while (!closed) {
      long n = LibC.INSTANCE.recv(fd, buf, new NativeLong(buf.length), 0).longValue();
      if (n > 0) {
        String text = new String(Arrays.copyOf(buf, (int) n), StandardCharsets.UTF_8);
        messages.add(new Message(System.nanoTime(), List.of(text.split("\n"))));
      }
    }
  }

  /** Everything received so far, in order. */
  public List<Message> messages() {
    return new ArrayList<>(messages);
  }

  /** The first message matching {@code test}, if any arrived. */
  public java.util.Optional<Message> first(Predicate<Message> test) {
    return messages.stream().filter(test).findFirst();
  }

  /** Arrival times of the messages carrying {@code line}, from {@code sinceNanos} on. */
  public List<Long> times(String line, long sinceNanos) {
    return messages.stream().filter(m -> m.atNanos() >= sinceNanos && m.has(line)).map(Message::atNanos).toList();
  }

  /** The longest gap between consecutive {@code line} messages in [from, to], counting the window's ends. */
  public Duration longestGap(String line, long fromNanos, long toNanos) {
    long prev = fromNanos;
    long gap = 0;
    for (long t : times(line, fromNanos)) {
      if (t > toNanos) {
        break;
      }
      gap = Math.max(gap, t - prev);
      prev = t;
    }
    return Duration.ofNanos(Math.max(gap, toNanos - prev));
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    receiver.join(2000);
    LibC.INSTANCE.close(fd);
  }
}
