package dev.tended.worker.dispatch;

/**
 * An operator's pause or resume of one source, posted to the dispatcher so that its own thread
 * changes the lane: nothing of a paused source is claimed from the next cycle on.
 *
 * @param source the source's name
 * @param paused paused (true) or resumed (false)
 * @param drain for a pause: running handlers finish (true) or are handed back (false)
 * @param askedBy who asked, for the hand-back's detail
 */
record LaneHold(String source, boolean paused, boolean drain, String askedBy) implements DispatchMessage {}
