package dev.tended.supervisor;

/** Entry point of tended-supervisor.jar (stub until the supervisor lands). */
public final class SupervisorMain {
  private SupervisorMain() {}

  public static void main(String[] args) {
    System.out.println("tended-supervisor");
  }
}
