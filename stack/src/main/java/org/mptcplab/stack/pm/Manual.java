package org.mptcplab.stack.pm;

/**
 * No automatic joins or announcements, as Linux's userspace path manager without a daemon
 * (net/mptcp/pm_userspace.c): the connection keeps its first subflow, and more open or close only
 * by the manual commands (MptcpSocket openSubflow/closeSubflow). Also known as "none".
 */
public final class Manual implements PathManager {
    static final Manual INSTANCE = new Manual();

    @Override
    public String name() {
        return "manual";
    }
}
