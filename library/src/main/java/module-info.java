/**
 * nslab: Linux network namespaces from Java. The API is {@link dev.nslab.NetLab} and {@link dev.nslab.Node}, with the
 * failures of {@code dev.nslab.error}; everything below (system calls, the netlink codec, kernel objects, the lab
 * engine, the command line) is internal. nslab calls the kernel through the FFM API: run with
 * {@code --enable-native-access=dev.nslab} on the module path (or {@code ALL-UNNAMED} on the class path).
 */
module dev.nslab {
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires jdk.net;
    // nslab ui only (dev.nslab.web): optional, absent from a program that uses the library alone
    requires static org.eclipse.jetty.server;
    requires static org.eclipse.jetty.websocket.server;

    exports dev.nslab;
    exports dev.nslab.error;
}
