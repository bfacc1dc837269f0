import Logging
@testable import Media
import NIOCore
import NIOPosix
import TelephonyTestSupport
import Testing

@Suite("Media engine over UDP", .serialized)
struct MediaEngineTests {
    static let logger = Logger(label: "media-tests")

    /// Runs `body` with a started engine on the shared event loops, shutting it down afterwards.
    func withEngine<Result>(
        _ configuration: MediaEngineConfiguration = .init(),
        _ body: (MediaEngine) async throws -> Result
    ) async throws -> Result {
        let engine = MediaEngine(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                 logger: Self.logger)
        try await engine.start()
        do {
            let result = try await body(engine)
            await engine.shutdown()
            return result
        } catch {
            await engine.shutdown()
            throw error
        }
    }

    @Test func aPromptPlaysAsConsecutivePacketsOfOneStream() async throws {
        try await withEngine { engine in
            let probe = try await UDPProbe.bind()
            defer { Task { await probe.close() } }
            let leg = try await engine.openLeg()
            leg.connect(to: probe.address)
            let audio = (0..<1000).map { UInt8(truncatingIfNeeded: $0 % 200) }  // 6 full frames + 40 bytes
            let started = ContinuousClock.now
            #expect(await leg.play(Prompt(muLaw: audio)) == .completed)
            #expect(ContinuousClock.now - started >= .milliseconds(100))  // paced: 7 packets ≈ 140 ms
            #expect(await eventually { probe.packets.count == 7 })

            let packets = probe.packets
            #expect(Set(packets.map(\.header.ssrc)).count == 1)
            #expect(packets.allSatisfy { $0.header.payloadType == 0 && $0.payload.readableBytes == 160 })
            for (previous, next) in zip(packets, packets.dropFirst()) {
                #expect(next.header.sequenceNumber == previous.header.sequenceNumber &+ 1)
                #expect(next.header.timestamp == previous.header.timestamp &+ 160)
            }
            #expect(packets.map(\.header.marker) == [true] + [Bool](repeating: false, count: 6))
            let payload = packets.flatMap { Array($0.payload.readableBytesView) }
            #expect(Array(payload.prefix(1000)) == audio)
            #expect(payload.suffix(120).allSatisfy { $0 == MuLaw.silence })
            #expect(await eventually { leg.statistics().packetsSent == 7 }, "\(leg.statistics())")

            // A second prompt continues the stream and starts a new talkspurt.
            let last = try #require(packets.last)
            #expect(await leg.play(.silence(milliseconds: 40)) == .completed)
            #expect(await eventually { probe.packets.count == 9 })
            let next = probe.packets[7]
            #expect(next.header.ssrc == last.header.ssrc)
            #expect(next.header.sequenceNumber == last.header.sequenceNumber &+ 1)
            #expect(next.header.timestamp == last.header.timestamp &+ 160)
            #expect(next.header.marker)

            // Counters move just after a packet leaves, so the probe may see it first: wait for them.
            #expect(await eventually { engine.statistics().packetsSent == 9 && engine.statistics().sendJitterSamples == 7 },
                    "\(engine.statistics())")  // 7: intervals between consecutive frames of each playback
            let statistics = engine.statistics()
            #expect(statistics.sendJitterP50 <= statistics.sendJitterP99)
            #expect(statistics.ticks > 0)
        }
    }

    @Test func playbackIsInterruptedByStopByANewerPlayAndByCancellation() async throws {
        try await withEngine { engine in
            let leg = try await engine.openLeg()
            let long = Prompt.silence(milliseconds: 5_000)
            let first = Task { await leg.play(long) }
            #expect(await eventually { engine.statistics().playingLegs == 1 })
            leg.stopPlayback()
            #expect(await first.value == .interrupted)

            let second = Task { await leg.play(long) }
            #expect(await eventually { engine.statistics().playingLegs == 1 })
            let third = Task { await leg.play(.silence(milliseconds: 20)) }
            #expect(await second.value == .interrupted)
            #expect(await third.value == .completed)

            let cancelled = Task { await leg.play(long) }
            #expect(await eventually { engine.statistics().playingLegs == 1 })
            cancelled.cancel()
            #expect(await cancelled.value == .interrupted)
            #expect(await eventually { engine.statistics().playingLegs == 0 })
        }
    }

    @Test func dtmfDigitsArriveOnceEachDespiteRepeatedPackets() async throws {
        try await withEngine { engine in
            let probe = try await UDPProbe.bind()
            defer { Task { await probe.close() } }
            let leg = try await engine.openLeg()
            var sequence: UInt16 = 100
            for (index, digit) in "1#9".enumerated() {
                let timestamp = UInt32(8000 * (index + 1))
                let updates = [(false, 160), (false, 320), (false, 480), (true, 640), (true, 640), (true, 640)]
                for (isEnd, duration) in updates {
                    let event = try #require(TelephoneEvent(digit: digit, isEnd: isEnd, duration: UInt16(duration)))
                    try await probe.send(rtp(payloadType: 101, sequenceNumber: sequence, timestamp: timestamp, ssrc: 42,
                                             marker: duration == 160, payload: event.bytes), toPort: leg.localPort)
                    sequence += 1
                }
            }
            #expect(await firstEvents(of: leg, count: 3) == [.dtmf("1"), .dtmf("#"), .dtmf("9")])
            #expect(await eventually { leg.statistics().packetsReceived == 18 })
            #expect(leg.statistics().dtmfDigits == 3)
            #expect(engine.statistics().dtmfDigits == 3)
        }
    }

    /// Legs on two event loops (relay hops threads) and on one (`openLeg(near:)`).
    @Test(arguments: [false, true])
    func bridgedLegsRelayBothWaysWithTheirOwnStreams(onOneLoop: Bool) async throws {
        try await withEngine { engine in
            let (caller, agent) = (try await UDPProbe.bind(), try await UDPProbe.bind())
            defer { Task { await caller.close(); await agent.close() } }
            let a = try await engine.openLeg()
            let b = try await engine.openLeg(near: onOneLoop ? a : nil)
            #expect((a.endpoint.loop === b.endpoint.loop) == onOneLoop || System.coreCount == 1)
            a.connect(to: caller.address)
            b.connect(to: agent.address)
            engine.bridge(a, b)
            await a.settle()
            await b.settle()
            #expect(await a.play(.silence(milliseconds: 100)) == .interrupted)  // no playback while bridged

            let frame = [UInt8](repeating: 0x55, count: 160)
            for index in 0..<10 {
                try await caller.send(rtp(payloadType: 0, sequenceNumber: UInt16(500 + index), timestamp: UInt32(160 * index),
                                          ssrc: 1111, payload: frame), toPort: a.localPort)
                try await agent.send(rtp(payloadType: 0, sequenceNumber: UInt16(9000 + index), timestamp: UInt32(80_000 + 160 * index),
                                         ssrc: 2222, payload: frame), toPort: b.localPort)
            }
            #expect(await eventually { agent.packets.count == 10 && caller.packets.count == 10 })
            for (received, sourceSSRC) in [(agent.packets, UInt32(1111)), (caller.packets, UInt32(2222))] {
                let ssrcs = Set(received.map(\.header.ssrc))
                #expect(ssrcs.count == 1)
                #expect(!ssrcs.contains(sourceSSRC))
                #expect(received.first?.header.marker == true)
                for (previous, next) in zip(received, received.dropFirst()) {
                    #expect(next.header.sequenceNumber == previous.header.sequenceNumber &+ 1)
                    #expect(next.header.timestamp == previous.header.timestamp &+ 160)
                }
                #expect(received.allSatisfy { Array($0.payload.readableBytesView) == frame })
            }
            // A relayed packet is counted just after it is sent on, so the probe may see it first.
            #expect(await eventually { a.statistics().packetsReceived == 10 && a.statistics().packetsRelayed == 10 }, "\(a.statistics())")
            #expect(await eventually { b.statistics().packetsReceived == 10 && b.statistics().packetsRelayed == 10 }, "\(b.statistics())")
            #expect(await eventually { engine.statistics().packetsRelayed == 20 })

            engine.unbridge(a, b)
            await a.settle()
            await b.settle()
            try await caller.send(rtp(payloadType: 0, sequenceNumber: 510, timestamp: 1600, ssrc: 1111, payload: frame),
                                  toPort: a.localPort)
            #expect(await eventually { a.statistics().packetsReceived == 11 })
            await b.settle()
            #expect(b.statistics().packetsRelayed == 10)
            #expect(await a.play(.silence(milliseconds: 20)) == .completed)
        }
    }

    @Test func aConnectedLegThatHearsNothingReportsInactiveOnce() async throws {
        var configuration = MediaEngineConfiguration()
        configuration.inactivityTimeout = .milliseconds(300)
        try await withEngine(configuration) { engine in
            let probe = try await UDPProbe.bind()
            defer { Task { await probe.close() } }
            let leg = try await engine.openLeg()
            let connected = ContinuousClock.now
            leg.connect(to: probe.address)
            #expect(await firstEvents(of: leg, count: 1, timeout: .seconds(3)) == [.inactive])
            let elapsed = ContinuousClock.now - connected
            #expect(elapsed >= .milliseconds(300))
            #expect(elapsed < .milliseconds(1_500))
            #expect(await firstEvents(of: leg, count: 1, timeout: .milliseconds(600)) == [])  // once, not every check
        }
    }

    @Test func aLegThatKeepsHearingRTPStaysActive() async throws {
        var configuration = MediaEngineConfiguration()
        configuration.inactivityTimeout = .milliseconds(300)
        try await withEngine(configuration) { engine in
            let probe = try await UDPProbe.bind()
            defer { Task { await probe.close() } }
            let leg = try await engine.openLeg()
            leg.connect(to: probe.address)
            let sender = Task {
                for index in 0..<40 {
                    try await probe.send(rtp(payloadType: 0, sequenceNumber: UInt16(index), timestamp: UInt32(160 * index),
                                             ssrc: 5, payload: [UInt8](repeating: 0xFF, count: 160)), toPort: leg.localPort)
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            #expect(await firstEvents(of: leg, count: 1, timeout: .milliseconds(700)) == [])
            sender.cancel()
            #expect(leg.statistics().lastReceivedAt != nil)
        }
    }

    @Test func aGarbageDatagramIsCountedAndDroppedWithoutHarm() async throws {
        try await withEngine { engine in
            let probe = try await UDPProbe.bind()
            defer { Task { await probe.close() } }
            let leg = try await engine.openLeg()
            try await probe.send(Array("INVITE sip:x SIP/2.0\r\n".utf8), toPort: leg.localPort)
            try await probe.send([0x80, 0x00, 0x01], toPort: leg.localPort)
            try await probe.send([0x8F] + [UInt8](repeating: 0, count: 20), toPort: leg.localPort)
            #expect(await eventually { leg.statistics().packetsDropped == 3 })
            let event = try #require(TelephoneEvent(digit: "7", isEnd: true, duration: 800))
            try await probe.send(rtp(payloadType: 101, sequenceNumber: 1, timestamp: 1, ssrc: 3, payload: event.bytes),
                                 toPort: leg.localPort)
            #expect(await firstEvents(of: leg, count: 1) == [.dtmf("7")])
            let statistics = leg.statistics()
            #expect(statistics.packetsReceived == 1)
            #expect(statistics.bytesReceived == 16)
            #expect(engine.statistics().packetsDropped == 3)
        }
    }

    @Test func closingALegFreesItsPortAndEndsItsEvents() async throws {
        try await withEngine { engine in
            let leg = try await engine.openLeg()
            let port = leg.localPort
            #expect(port > 0)
            #expect(engine.statistics().liveLegs == 1)
            let playing = Task { await leg.play(.silence(milliseconds: 5_000)) }
            #expect(await eventually { engine.statistics().playingLegs == 1 })
            await leg.close()
            #expect(await playing.value == .interrupted)
            #expect(engine.statistics().liveLegs == 0)
            var events = leg.events.makeAsyncIterator()
            #expect(await events.next() == nil)
            let rebound = try await UDPProbe.bind(port: port)  // would fail with "address in use"
            #expect(rebound.port == port)
            await rebound.close()
            await leg.close()  // idempotent
        }
    }

    @Test func legsAreBoundedAndTakeEvenPortsFromAConfiguredRange() async throws {
        let first = FreePort.udpRange(count: 8)
        let evenFirst = first + (first & 1)
        var configuration = MediaEngineConfiguration()
        configuration.maxLegs = 3
        configuration.portRange = evenFirst...(evenFirst + 5)
        try await withEngine(configuration) { engine in
            let blocker = try await UDPProbe.bind(port: evenFirst + 2)  // someone else holds the second even port
            defer { Task { await blocker.close() } }
            let legs = [try await engine.openLeg(), try await engine.openLeg()]
            let ports = Set(legs.map(\.localPort))
            #expect(ports == [evenFirst, evenFirst + 4])
            await #expect(throws: MediaError.noFreePort(evenFirst...(evenFirst + 5))) { try await engine.openLeg() }
            await legs[0].close()
            let again = try await engine.openLeg()
            #expect(again.localPort == evenFirst)
            await #expect(throws: MediaError.tooManyLegs(maxLegs: 3)) {
                await blocker.close()
                _ = try await engine.openLeg()
                return try await engine.openLeg()
            }
        }
    }

    @Test func anEngineRefusesLegsBeforeStartAndAfterShutdown() async throws {
        let engine = MediaEngine(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Self.logger)
        await #expect(throws: MediaError.notStarted) { try await engine.openLeg() }
        try await engine.start()
        let leg = try await engine.openLeg()
        await engine.shutdown()
        #expect(await leg.play(.silence(milliseconds: 20)) == .interrupted)
        await #expect(throws: MediaError.shutDown) { try await engine.openLeg() }
        await #expect(throws: MediaError.shutDown) { try await engine.start() }
    }
}
