package dev.tended.worker.dispatch;

/**
 * A handler thread's word to the dispatcher that the outcome of attempt {@code seq} of {@code source}
 * could not be written yet ({@code why}, a sentence for the status file); it keeps trying. The
 * attempt's {@link Completion} ends the trouble.
 */
record RecordFailing(String source, long seq, String why) implements DispatchMessage {}
