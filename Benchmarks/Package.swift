// swift-tools-version: 6.1
// SPDX-License-Identifier: Apache-2.0
//
// Release-build benchmarks for the render engine, kept out of the main package so its build stays
// lean. Run: swift package --package-path Benchmarks benchmark
import PackageDescription

let package = Package(
    name: "LullBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Lull", path: ".."),
        // MallocInterposer counts mallocs without jemalloc (not installed here).
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "RenderBenchmark",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SynthCore", package: "Lull"),
            ],
            path: "Benchmarks/RenderBenchmark",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "HRVBenchmark",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "HRVCore", package: "Lull"),
            ],
            path: "Benchmarks/HRVBenchmark",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
