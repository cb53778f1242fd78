// swift-tools-version:6.0
import PackageDescription

// The release build links the Swift runtime and Foundation into `ledgerctl` on Linux, as
// `swift build --static-swift-stdlib` does: loading and binding a dozen shared libraries at
// every start cost more than one append itself (README, Performance). Every module is compiled
// against the static runtime too, so that what Foundation needs is linked with it. Debug builds
// (and so `swift test`, whose test bundles load the runtime dynamically) are left as they are.
let staticRuntime = LinkerSetting.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))

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
        .executableTarget(name: "ledgerctl", dependencies: ["Ledger", "Projections"],
                          linkerSettings: [staticRuntime]),
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
    ] + (target.type == .test ? [] : [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))])
}
