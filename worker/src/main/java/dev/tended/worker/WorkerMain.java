package dev.tended.worker;

/** Entry point of tended-worker.jar (stub until the daemon lands). */
public final class WorkerMain {
  private WorkerMain() {}

  public static void main(String[] args) {
    System.out.println("tended-worker");
  }
}
