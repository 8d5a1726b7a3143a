package dev.tended.supervisor.web;

/** One route family's handling of a checked {@link Request}; may throw, {@link Router} answers 500 then. */
@FunctionalInterface
interface Route {
  Reply handle(Request request) throws Exception;
}
