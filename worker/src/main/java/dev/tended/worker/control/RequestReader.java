package dev.tended.worker.control;

import dev.tended.control.ControlFolder;
import dev.tended.control.ControlInbox;
import dev.tended.control.ControlRequest;
import dev.tended.status.StatusFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Set;

/**
 * Reads one file left in {@code control/requests/} without trusting it: anyone in the {@code tended}
 * group may write there, so a symbolic link, anything but a regular file, a file over {@link
 * #MAX_BYTES}, a name that is not a request id, JSON that is not a request, or a request whose id
 * differs from its file's name is {@link RequestRead.Invalid}, with the reason. The file is opened
 * without following links (a link swapped in after the check fails to open), and its owner is read
 * from the file itself, not from what the request says.
 */
final class RequestReader {
  /** Far above any real request (a few hundred bytes); bounds what one file can make the worker read. */
  static final int MAX_BYTES = 64 * 1024;

  /** Whether {@code name} in {@code requests/} is for the worker: dot files are writes in progress. */
  static boolean isCandidate(String name) {
    return !name.startsWith(".");
  }

  RequestRead read(Path file) {
    String name = file.getFileName().toString();
    if (!name.endsWith(ControlFolder.REQUEST_SUFFIX)
        || !ControlInbox.REQUEST_ID.matcher(requestId(name)).matches()) {
      return new RequestRead.Invalid(file, "the name is not <request id>.json (e.g. 1764680000000-0123456789ab.json)");
    }
    try {
      PosixFileAttributes before = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (before.isSymbolicLink()) {
        return new RequestRead.Invalid(file, "a symbolic link (requests are read only from regular files)");
      }
      if (!before.isRegularFile()) {
        return new RequestRead.Invalid(file, "not a regular file");
      }
      byte[] bytes;
      try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.READ,
          LinkOption.NOFOLLOW_LINKS)); InputStream in = Channels.newInputStream(ch)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
      if (bytes.length > MAX_BYTES) {
        return new RequestRead.Invalid(file, "larger than " + MAX_BYTES + " bytes");
      }
      ControlRequest request;
      try {
        request = StatusFiles.mapper().readValue(bytes, ControlRequest.class);
      } catch (IOException | RuntimeException e) {
        return new RequestRead.Invalid(file, "not a request: " + firstLine(e));
      }
      if (!request.requestId().equals(requestId(name))) {
        return new RequestRead.Invalid(file, "its requestId " + request.requestId() + " is not its file's name");
      }
      return new RequestRead.Valid(file, request, before.owner().getName());
    } catch (IOException e) {
      return new RequestRead.Invalid(file, "cannot be read: " + e);
    }
  }

  private static String requestId(String name) {
    return name.endsWith(ControlFolder.REQUEST_SUFFIX)
        ? name.substring(0, name.length() - ControlFolder.REQUEST_SUFFIX.length()) : name;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
