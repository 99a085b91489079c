package io.sessionkit.springsecurity;

/**
 * A class on the class path whose name a hostile record puts in a type tag. Its static initializer and constructor
 * report to {@link GadgetProbe}, so a test can prove that decoding neither loaded-and-initialized nor instantiated it.
 */
public final class Gadget {
    static {
        GadgetProbe.INITIALIZED.incrementAndGet();
    }

    public Gadget() {
        GadgetProbe.CONSTRUCTED.incrementAndGet();
    }

    public void setCommand(String command) {
        GadgetProbe.CONSTRUCTED.incrementAndGet();
        GadgetProbe.COMMANDS.add(command);
    }
}
