package org.sparselab.tracking;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The process that writes a run record: pid, the process's start time and the host. Another process reads it to tell
 * a run that is still going from one whose process died without marking it (SIGKILL, power loss).
 */
public record ProcessInfo(long pid, long startMs, String host) {
    private static final String HOST = resolveHost();

    /** This JVM. */
    public static ProcessInfo current() {
        ProcessHandle self = ProcessHandle.current();
        return new ProcessInfo(self.pid(), self.info().startInstant().map(i -> i.toEpochMilli()).orElse(-1L), HOST);
    }

    /** The {@code process} entry of a summary, or null when the record has none. */
    public static ProcessInfo fromMap(Object entry) {
        if (!(entry instanceof Map<?, ?> m) || !(m.get("pid") instanceof Number pid)) return null;
        long start = m.get("start_ms") instanceof Number n ? n.longValue() : -1;
        return new ProcessInfo(pid.longValue(), start, m.get("host") == null ? null : m.get("host").toString());
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", pid);
        m.put("start_ms", startMs);
        m.put("host", host);
        return m;
    }

    /** Whether this process runs on the machine that asks (only then can {@link #isAlive} be told). */
    public boolean isLocal() {
        return HOST.equals(host);
    }

    /** Whether the process still runs; false for another host's process (ask {@link #isLocal} first). */
    public boolean isAlive() {
        return isLocal() && alive(pid, startMs);
    }

    /** Whether {@code pid} runs and is the process that started at {@code startMs} (a reused pid is not). */
    public static boolean alive(long pid, long startMs) {
        if (pid <= 0) return false;
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> startMs <= 0 || p.info().startInstant().map(i -> i.toEpochMilli() == startMs)
                        .orElse(true)) // a reused pid belongs to another process
                .isPresent();
    }

    /** This machine's name ({@code HOSTNAME}, else the resolver's); "localhost" when neither answers. */
    public static String localHost() {
        return HOST;
    }

    private static String resolveHost() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) return env.strip();
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
