package org.mptcplab.app.live;

import java.io.IOException;

/** A live device could not be opened or used; the message says why and what to do. */
public final class LiveDeviceException extends IOException {
    private static final long serialVersionUID = 1L;

    public LiveDeviceException(String message, Throwable cause) {
        super(message, cause);
    }

    public LiveDeviceException(String message) {
        super(message);
    }
}
