package dev.tended.worker.dispatch;

import java.time.Instant;

/**
 * A handler thread's word to the dispatcher that the outcome of attempt {@code seq} of {@code source}
 * could not be written {@code at} ({@code why}, a sentence for the status file); it keeps trying. The
 * attempt's {@link Completion} ends the trouble.
 */
record RecordFailing(String source, long seq, String why, Instant at) implements DispatchMessage {}
