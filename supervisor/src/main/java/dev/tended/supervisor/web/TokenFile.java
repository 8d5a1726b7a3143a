package dev.tended.supervisor.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;

/**
 * The dashboard's action token: the content of {@code web.tokenFile} (made at install, readable by the
 * {@code tended} group), read again at every request so that a rotated token takes effect without a
 * restart. A request's {@code Authorization: Bearer <token>} is compared with it in constant time
 * (both hashed first, so not even the length leaks). The token is never logged nor sent back.
 *
 * <p>Stateless (beyond the path); thread-safe.
 */
final class TokenFile {
  /** A token file larger than this is not a token (a mistake in the configuration): no actions. */
  private static final int MAX_BYTES = 4096;
  private static final String BEARER = "Bearer ";

  /** How a request's credentials compare with the token. */
  enum Check {
    /** The right token. */
    OK,
    /** No {@code Authorization: Bearer} header: 401. */
    MISSING,
    /** A token, not the right one: 403. */
    WRONG,
    /** The token file is missing, empty or unreadable: no action can be authorised (503). */
    NO_TOKEN
  }

  private final Path file;

  TokenFile(Path file) {
    this.file = Objects.requireNonNull(file);
  }

  Path file() {
    return file;
  }

  /** Compares the {@code Authorization} header (null when absent) with the token file's content. */
  Check check(String authorization) {
    Optional<byte[]> token = read();
    if (token.isEmpty()) {
      return Check.NO_TOKEN;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return Check.MISSING;
    }
    byte[] given = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(sha256(given), sha256(token.get())) ? Check.OK : Check.WRONG;
  }

  /** The token without surrounding white space (a trailing newline is usual); empty when there is none. */
  private Optional<byte[]> read() {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] raw = in.readNBytes(MAX_BYTES + 1);
      if (raw.length > MAX_BYTES) {
        return Optional.empty();
      }
      String text = new String(raw, StandardCharsets.UTF_8).trim();
      return text.isEmpty() ? Optional.empty() : Optional.of(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JDK", e);
    }
  }
}
