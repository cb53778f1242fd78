// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ledger",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ledgerctl", targets: ["ledgerctl"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "Projections", targets: ["Projections"]),
    ],
    targets: [
        .target(name: "Ledger"),
        .target(name: "Projections", dependencies: ["Ledger"]),
        .executableTarget(name: "ledgerctl", dependencies: ["Ledger", "Projections"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger"]),
        .testTarget(name: "ProjectionsTests", dependencies: ["Projections", "Ledger"]),
        .testTarget(name: "ledgerctlTests", dependencies: ["ledgerctl", "Ledger"]),
    ],
    swiftLanguageModes: [.v6]
)

// One settings loop for every target: strict concurrency comes with Swift 6 mode, and a
// warning fails the build, so `swift test` (the README's command, which CI runs) is warning-free.
for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .unsafeFlags(["-warnings-as-errors"]),
    ]
}
