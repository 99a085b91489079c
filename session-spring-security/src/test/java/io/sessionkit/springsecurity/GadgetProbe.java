package io.sessionkit.springsecurity;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts what {@link Gadget} did; reading these never initializes {@link Gadget} itself. */
final class GadgetProbe {
    static final AtomicInteger INITIALIZED = new AtomicInteger();
    static final AtomicInteger CONSTRUCTED = new AtomicInteger();
    static final List<String> COMMANDS = new CopyOnWriteArrayList<>();

    private GadgetProbe() {}
}
