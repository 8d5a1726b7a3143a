package dev.tended.posix;

/** The POSIX signals the daemons send or handle ({@link DaemonSignals}), by name, with their Linux numbers. */
public enum Signal {
  HUP(1),
  INT(2),
  QUIT(3),
  KILL(9),
  USR1(10),
  USR2(12),
  ALRM(14),
  TERM(15),
  CONT(18),
  STOP(19),
  TTIN(21),
  TTOU(22),
  VTALRM(26),
  PROF(27),
  IO(29),
  PWR(30);

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
