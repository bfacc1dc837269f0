@testable import Billing
import Domain
import Testing

@Suite("Call metering")
struct CallMeteringTests {
    func meter(perMinuteMicros: Int64, incrementSeconds: Int = 1, setupFeeMicros: Int64 = 0, minimumChargeMicros: Int64 = 0) throws -> CallMetering {
        try CallMetering(pricing: Fixture.pricing(perMinuteMicros: perMinuteMicros, incrementSeconds: incrementSeconds, setupFeeMicros: setupFeeMicros),
                         minimumChargeMicros: minimumChargeMicros)
    }

    @Test func aWholeMinuteCostsThePerMinutePrice() throws {
        let charge = try meter(perMinuteMicros: 60_000).charge(billableSeconds: 60)
        #expect(charge == CallCharge(billableSeconds: 60, roundedSeconds: 60, usageMicros: 60_000, setupFeeMicros: 0, minimumTopUpMicros: 0, totalMicros: 60_000))
    }

    /// perMinute × seconds / 60, remainder rounded half up (30/60 and more round up).
    @Test(arguments: [
        (Int64(60_000), Int64(1), Int64(1_000)),  // exact: 60_000 / 60
        (1_000, 1, 17),  // 16.67 → 17
        (3, 10, 1),  // 0.5 exactly → 1 (half up)
        (90, 1, 2),  // 1.5 exactly → 2
        (89, 1, 1),  // 1.483 → 1
        (1, 29, 0),  // 0.483 → 0
        (1, 31, 1),  // 0.517 → 1
        (100, 1, 2),  // 1.67 → 2
        (0, 3_600, 0),  // a free line
        (120_000, 3_599, 7_198_000),  // exact
    ])
    func usageIsRoundedHalfUpInMicros(perMinuteMicros: Int64, seconds: Int64, expectedMicros: Int64) throws {
        #expect(try meter(perMinuteMicros: perMinuteMicros).charge(billableSeconds: seconds).usageMicros == expectedMicros)
    }

    @Test(arguments: [(Int64(1), Int64(30)), (29, 30), (30, 30), (31, 60), (60, 60), (61, 90)])
    func billableTimeIsRoundedUpToTheIncrement(seconds: Int64, roundedSeconds: Int64) throws {
        let charge = try meter(perMinuteMicros: 60_000, incrementSeconds: 30).charge(billableSeconds: seconds)
        #expect(charge.roundedSeconds == roundedSeconds)
        #expect(charge.usageMicros == roundedSeconds * 1_000)
    }

    @Test func aConnectedCallPaysTheSetupFee() throws {
        let charge = try meter(perMinuteMicros: 60_000, incrementSeconds: 60, setupFeeMicros: 50_000).charge(billableSeconds: 61)
        #expect(charge.usageMicros == 120_000)
        #expect(charge.setupFeeMicros == 50_000)
        #expect(charge.totalMicros == 170_000)
    }

    @Test func aZeroSecondCallCostsNothing() throws {
        let charge = try meter(perMinuteMicros: 60_000, incrementSeconds: 60, setupFeeMicros: 50_000, minimumChargeMicros: 100_000)
            .charge(billableSeconds: 0)
        #expect(charge == CallCharge(billableSeconds: 0, roundedSeconds: 0, usageMicros: 0, setupFeeMicros: 0, minimumTopUpMicros: 0, totalMicros: 0))
    }

    @Test func aConnectedCallCostsAtLeastTheMinimum() throws {
        let metering = try meter(perMinuteMicros: 60_000, setupFeeMicros: 10_000, minimumChargeMicros: 100_000)
        let short = try metering.charge(billableSeconds: 30)  // 30_000 + 10_000 < 100_000
        #expect(short.minimumTopUpMicros == 60_000)
        #expect(short.totalMicros == 100_000)
        let long = try metering.charge(billableSeconds: 120)  // 120_000 + 10_000
        #expect(long.minimumTopUpMicros == 0)
        #expect(long.totalMicros == 130_000)
        #expect(throws: LedgerError.self) { try CallMetering(pricing: Fixture.pricing(perMinuteMicros: 1), minimumChargeMicros: -1) }
    }

    @Test func millisecondsCountAStartedSecondWhole() throws {
        let metering = try meter(perMinuteMicros: 60_000)
        #expect(try metering.charge(billableMilliseconds: 0).totalMicros == 0)
        #expect(try metering.charge(billableMilliseconds: 1).billableSeconds == 1)
        #expect(try metering.charge(billableMilliseconds: 1_000).billableSeconds == 1)
        #expect(try metering.charge(billableMilliseconds: 1_001).billableSeconds == 2)
        #expect(throws: LedgerError.self) { try metering.charge(billableMilliseconds: -1) }
    }

    @Test func negativeOrHugeInputsAreTypedErrors() throws {
        #expect(throws: LedgerError.invalid("billable seconds must not be negative, got -1")) { try meter(perMinuteMicros: 1).charge(billableSeconds: -1) }
        #expect(throws: LedgerError.self) { try meter(perMinuteMicros: .max).charge(billableSeconds: 3_600) }
        #expect(throws: LedgerError.self) { try meter(perMinuteMicros: 1, incrementSeconds: 3_600).charge(billableSeconds: .max) }
        #expect(throws: LedgerError.self) { try meter(perMinuteMicros: 60, setupFeeMicros: .max).charge(billableSeconds: 60) }
    }

    @Test func expectedCostSizesAHoldLikeTheChargeItself() throws {
        let metering = try meter(perMinuteMicros: 60_000, incrementSeconds: 60, setupFeeMicros: 50_000)
        #expect(try metering.expectedCostMicros(for: 120) == 170_000)
        #expect(try metering.expectedCostMicros(for: 0) == 0)
    }

    @Test func affordableSecondsIsTheLongestFullyPaidCall() throws {
        let perMinute = try meter(perMinuteMicros: 60_000, incrementSeconds: 60)
        #expect(perMinute.affordableSeconds(availableMicros: 150_000) == 120)  // 61…120 s cost 120_000
        #expect(perMinute.affordableSeconds(availableMicros: 180_000) == 180)
        #expect(perMinute.affordableSeconds(availableMicros: 59_999) == 0)
        #expect(perMinute.affordableSeconds(availableMicros: -5) == 0)
        let withSetup = try meter(perMinuteMicros: 60_000, incrementSeconds: 60, setupFeeMicros: 50_000)
        #expect(withSetup.affordableSeconds(availableMicros: 150_000) == 60)
        let withMinimum = try meter(perMinuteMicros: 60_000, minimumChargeMicros: 100_000)
        #expect(withMinimum.affordableSeconds(availableMicros: 99_999) == 0)
        #expect(withMinimum.affordableSeconds(availableMicros: 100_000) == 100)
        #expect(withMinimum.affordableSeconds(availableMicros: 101_999) == 101)
        let free = try meter(perMinuteMicros: 0)
        #expect(free.affordableSeconds(availableMicros: 0) == 86_400)
        #expect(free.affordableSeconds(availableMicros: 0, capSeconds: 30) == 30)
        #expect(try meter(perMinuteMicros: .max).affordableSeconds(availableMicros: .max) > 0)
    }

    @Test func affordableSecondsAgreesWithTheChargeAtTheBoundary() throws {
        var random = SplitMix64(seed: 0xB111_0001)
        for round in 0..<300 {
            let metering = try meter(perMinuteMicros: Int64.random(in: 1...2_000_000, using: &random),
                                     incrementSeconds: [1, 6, 30, 60].randomElement(using: &random) ?? 1,
                                     setupFeeMicros: Int64.random(in: 0...100_000, using: &random),
                                     minimumChargeMicros: Int64.random(in: 0...200_000, using: &random))
            let available = Int64.random(in: 0...50_000_000, using: &random)
            let seconds = metering.affordableSeconds(availableMicros: available)
            let context: Comment = "seed 0xB1110001 round \(round): \(metering) available \(available)"
            #expect(try metering.expectedCostMicros(for: seconds) <= available, context)
            if seconds < 86_400 { #expect(try metering.expectedCostMicros(for: seconds + 1) > available, context) }
        }
    }
}
