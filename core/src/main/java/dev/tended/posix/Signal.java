package dev.tended.posix;

/** The POSIX signals the daemons send, by name, with their Linux numbers. */
public enum Signal {
  INT(2),
  QUIT(3),
  KILL(9),
  TERM(15),
  CONT(18),
  STOP(19);

  private final int number;

  Signal(int number) {
    this.number = number;
  }

  /** The Linux signal number. */
  public int number() {
    return number;
  }

  @Override
  public String toString() {
    return "SIG" + name();
  }
}
