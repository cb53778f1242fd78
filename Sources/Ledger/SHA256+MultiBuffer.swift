// Multi-buffer SHA-256: the compression function runs on several independent messages at once,
// one message in each lane of a SIMD vector (as Intel's ISA-L and the Linux kernel's sha256-mb
// do). SHA-256 has no data-dependent branch, so the lanes never diverge inside a block; a lane
// whose message has ended takes the next message at once, so no lane waits for a longer one.
extension SHA256 {
    /// The 64 round constants, each repeated in every lane (a load, where a constant taken
    /// from `roundConstants` would be moved into every lane in each round).
    private static let laneConstants: [Lanes] = roundConstants.map { Lanes(repeating: $0) }

    /// The words of one step, a message to a lane.
    ///
    /// Four lanes of 32 bits fill the 128-bit registers that every x86-64 and arm64 CPU has, so
    /// the portable build needs nothing more. Eight lanes (`SIMD8`, two such registers each)
    /// measured at about half the speed of four on x86-64: sixteen registers cannot hold the
    /// working words and their temporaries, which then go through the stack.
    typealias Lanes = SIMD4<UInt32>

    /// Writes the digest of each message to `digests`, in the messages' order.
    ///
    /// The same digests as `hash(_:)` gives one at a time, about twice as fast for lines of a few
    /// hundred bytes: every reader of the chain hashes each line it reads. Allocates nothing on
    /// the heap.
    /// - Parameters:
    ///   - messages: the messages; any number, of any lengths.
    ///   - digests: where digest `k` goes for the message at offset `k`; at least as long as
    ///     `messages`.
    static func hash<Messages: Collection<UnsafeRawBufferPointer>>(each messages: Messages,
                                                                   into digests: UnsafeMutableBufferPointer<Digest>) {
        precondition(digests.count >= messages.count) // invariant: the caller sizes the output
        guard !messages.isEmpty else { return }
        let laneCount = Lanes.scalarCount
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 64) { schedule in
            withUnsafeTemporaryAllocation(of: Lane.self, capacity: laneCount) { lanes in
                withUnsafeTemporaryAllocation(byteCount: 128 * laneCount, alignment: 16) { tails in
                    laneConstants.withUnsafeBufferPointer { k in
                        var state = LaneState()
                        var next = messages.startIndex
                        var taken = 0
                        var busy = 0
                        /// Gives `lane` the next message, its state the initial one; or, when no
                        /// message is left, leaves it idle (compressing its tail, unread).
                        func fill(_ lane: Int) {
                            let tail = tails.baseAddress! + 128 * lane
                            guard next != messages.endIndex else {
                                lanes[lane] = Lane(idleWith: tail)
                                return
                            }
                            let message = messages[next]
                            messages.formIndex(after: &next)
                            lanes[lane] = Lane(message, tail: UnsafeMutableRawBufferPointer(start: tail, count: 128), digest: taken)
                            taken += 1
                            busy += 1
                            state.start(lane)
                        }
                        lanes.initialize(repeating: Lane(idleWith: tails.baseAddress!))
                        for lane in 0..<laneCount { fill(lane) }
                        while busy > 0 {
                            for t in 0..<16 {
                                var words = Lanes()
                                for lane in 0..<laneCount {
                                    words[lane] = UInt32(bigEndian: lanes[lane].block.loadUnaligned(fromByteOffset: 4 * t, as: UInt32.self))
                                }
                                schedule[t] = words
                            }
                            state.compress(schedule: schedule.baseAddress!, constants: k.baseAddress!)
                            for lane in 0..<laneCount where !lanes[lane].isIdle {
                                lanes[lane].done += 1
                                guard lanes[lane].done == lanes[lane].blocks else { continue }
                                digests[lanes[lane].digest] = state.digest(lane)
                                busy -= 1
                                fill(lane)
                            }
                        }
                        lanes.deinitialize()
                    }
                }
            }
        }
    }

    /// Where one lane's blocks come from: the message itself while whole blocks of it are left,
    /// then its padded end, copied into the lane's tail.
    private struct Lane {
        let message: UnsafeRawPointer
        let wholeBlocks: Int
        let blocks: Int
        let tail: UnsafeRawPointer
        /// The index in the output of this message's digest, or -1 for an idle lane.
        let digest: Int
        /// Blocks compressed so far.
        var done = 0

        var isIdle: Bool { digest < 0 }

        /// A lane with no message, whose block is `tail`.
        init(idleWith tail: UnsafeRawPointer) {
            (message, wholeBlocks, blocks, self.tail, digest) = (tail, 0, 1, tail, -1)
        }

        /// A lane for `message`, writing its last bytes and the padding (0x80, zeros, the length
        /// in bits; one block, or two when fewer than 9 bytes are left in the first) to `tail`.
        init(_ message: UnsafeRawBufferPointer, tail: UnsafeMutableRawBufferPointer, digest: Int) {
            let wholeBlocks = message.count / 64
            let rest = message.count - 64 * wholeBlocks
            let tailBlocks = rest < 56 ? 1 : 2
            tail.initializeMemory(as: UInt8.self, repeating: 0)
            if rest > 0 {
                tail.baseAddress!.copyMemory(from: message.baseAddress! + 64 * wholeBlocks, byteCount: rest)
            }
            tail[rest] = 0x80
            tail.storeBytes(of: (UInt64(message.count) &* 8).bigEndian, toByteOffset: 64 * tailBlocks - 8, as: UInt64.self)
            self.message = message.baseAddress ?? UnsafeRawPointer(tail.baseAddress!)
            self.wholeBlocks = wholeBlocks
            self.blocks = wholeBlocks + tailBlocks
            self.tail = UnsafeRawPointer(tail.baseAddress!)
            self.digest = digest
        }

        /// The next block to compress.
        var block: UnsafeRawPointer {
            done < wholeBlocks ? message + 64 * done : tail + 64 * (done - wholeBlocks)
        }
    }

    /// The eight working words of every lane.
    private struct LaneState {
        var a = Lanes(), b = Lanes(), c = Lanes(), d = Lanes(), e = Lanes(), f = Lanes(), g = Lanes(), h = Lanes()

        /// Sets `lane` to the initial state of a message.
        mutating func start(_ lane: Int) {
            let s = SHA256.initialState
            (a[lane], b[lane], c[lane], d[lane], e[lane], f[lane], g[lane], h[lane]) = (s.0, s.1, s.2, s.3, s.4, s.5, s.6, s.7)
        }

        /// The digest of the message `lane` has finished.
        func digest(_ lane: Int) -> Digest {
            Digest(high: UInt64(a[lane]) << 32 | UInt64(b[lane]), second: UInt64(c[lane]) << 32 | UInt64(d[lane]),
                   third: UInt64(e[lane]) << 32 | UInt64(f[lane]), low: UInt64(g[lane]) << 32 | UInt64(h[lane]))
        }

        /// `x` rotated right by `n` bits in each lane. The halves are added, not or-ed (their bits
        /// do not overlap): with `|`, the optimiser finds a rotate in each lane and, having no
        /// vector rotate before AVX-512, compiles it one lane at a time, which halves the speed.
        @inline(__always)
        private static func rotr(_ x: Lanes, _ n: UInt32) -> Lanes {
            (x &>> Lanes(repeating: n)) &+ (x &<< Lanes(repeating: 32 - n))
        }

        /// `x` shifted right by `n` bits in each lane.
        @inline(__always)
        private static func shr(_ x: Lanes, _ n: UInt32) -> Lanes {
            x &>> Lanes(repeating: n)
        }

        /// One round, as `SHA256.round` does it for one message. The majority is taken as
        /// `b ^ ((a ^ b) & (b ^ c))`, where `b ^ c` is the round before's `a ^ b` (`bc`, passed
        /// on): two operations where the textbook form takes four.
        @inline(__always)
        private static func round(_ a: Lanes, _ b: Lanes, _ c: Lanes, _ d: inout Lanes,
                                  _ e: Lanes, _ f: Lanes, _ g: Lanes, _ h: inout Lanes, _ kw: Lanes, _ bc: inout Lanes) {
            let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let choice = g ^ (e & (f ^ g))
            let t1 = h &+ s1 &+ choice &+ kw
            let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let ab = a ^ b
            let majority = b ^ (ab & bc)
            bc = ab
            d = d &+ t1
            h = t1 &+ s0 &+ majority
        }

        /// Compresses one block in every lane; `schedule` holds the blocks' first 16 words (the
        /// other 48 are written here) and `constants` the 64 round constants, each in every lane.
        @inline(__always)
        mutating func compress(schedule w: UnsafeMutablePointer<Lanes>, constants k: UnsafePointer<Lanes>) {
            for t in 16..<64 {
                let x = w[t - 15], y = w[t - 2]
                let s0 = LaneState.rotr(x, 7) ^ LaneState.rotr(x, 18) ^ LaneState.shr(x, 3)
                let s1 = LaneState.rotr(y, 17) ^ LaneState.rotr(y, 19) ^ LaneState.shr(y, 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, h) = (self.a, self.b, self.c, self.d, self.e, self.f, self.g, self.h)
            var bc = b ^ c
            for t in stride(from: 0, to: 64, by: 8) {
                LaneState.round(a, b, c, &d, e, f, g, &h, k[t] &+ w[t], &bc)
                LaneState.round(h, a, b, &c, d, e, f, &g, k[t + 1] &+ w[t + 1], &bc)
                LaneState.round(g, h, a, &b, c, d, e, &f, k[t + 2] &+ w[t + 2], &bc)
                LaneState.round(f, g, h, &a, b, c, d, &e, k[t + 3] &+ w[t + 3], &bc)
                LaneState.round(e, f, g, &h, a, b, c, &d, k[t + 4] &+ w[t + 4], &bc)
                LaneState.round(d, e, f, &g, h, a, b, &c, k[t + 5] &+ w[t + 5], &bc)
                LaneState.round(c, d, e, &f, g, h, a, &b, k[t + 6] &+ w[t + 6], &bc)
                LaneState.round(b, c, d, &e, f, g, h, &a, k[t + 7] &+ w[t + 7], &bc)
            }
            self.a &+= a; self.b &+= b; self.c &+= c; self.d &+= d
            self.e &+= e; self.f &+= f; self.g &+= g; self.h &+= h
        }
    }
}
