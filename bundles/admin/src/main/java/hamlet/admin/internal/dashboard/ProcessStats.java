package hamlet.admin.internal.dashboard;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/** The process's own figures a sample carries: heap and CPU. An interface so that tests give fixed ones. */
interface ProcessStats {
    /** @return heap in use, bytes */
    long heapUsedBytes();

    /** @return the heap's limit (committed when the JVM has no maximum), bytes */
    long heapMaxBytes();

    /** @return the process's share of the machine's CPU since the last call, 0..1, or -1 when unknown */
    double cpu();

    /** The running JVM's figures, from its management beans. */
    static ProcessStats jvm() {
        return new ProcessStats() {
            @Override
            public long heapUsedBytes() {
                return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            }

            @Override
            public long heapMaxBytes() {
                final MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                return heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
            }

            @Override
            public double cpu() {
                try {
                    if (ManagementFactory.getOperatingSystemMXBean()
                        instanceof com.sun.management.OperatingSystemMXBean os) {
                        final double load = os.getProcessCpuLoad();
                        return load >= 0 && load <= 1 ? load : -1;
                    }
                } catch (final NoClassDefFoundError e) {
                    // The framework does not export com.sun.management (an optional import): CPU is not known.
                }
                return -1;
            }
        };
    }
}
