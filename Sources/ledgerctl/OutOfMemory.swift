#if canImport(Glibc)
import Glibc
#endif

/// When memory runs out (a limit set with `ulimit -v`, `prlimit --data` and the like), the
/// Swift runtime aborts the process. This turns that abort into `error:` and exit 74, the way
/// any other resource the system refuses is reported, instead of a crash report.
///
/// The handler tells an abort for want of memory from any other by asking for 64 MB more
/// (more than any single allocation of the program: its buffers are a few megabytes): when that
/// is refused too, memory is exhausted. Any other abort goes on to the handler that was there
/// before (the runtime's crash report). What a writer had not finished is not part of the
/// ledger: a half-written batch carries its `batch` marker and the next writer quarantines it.
enum OutOfMemory {
    nonisolated(unsafe) private static var previous = sigaction()

    static func install() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            let probe = 64 << 20
            let memory = mmap(nil, probe, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            if memory == MAP_FAILED {
                let message: StaticString = "error: out of memory: the process reached the memory it may use; nothing more was written, and what was not finished is not part of the ledger\n"
                _ = write(STDERR_FILENO, message.utf8Start, message.utf8CodeUnitCount)
                _exit(74)
            }
            munmap(memory, probe)
            sigaction(signal, &OutOfMemory.previous, nil)
            raise(signal)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGABRT, &action, &previous)
    }
}
