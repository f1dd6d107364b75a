import Foundation

/// Runs seeds one after another, and finds the shortest run that still fails.
public enum SimulationRunner {
    /// Runs `options` with its seed; a failure is returned, not thrown.
    public static func run(_ options: SimulationOptions) -> Result<SimulationReport, SimulationFailure> {
        let simulation: Simulation
        do {
            simulation = try Simulation(options: options)
        } catch {
            return .failure(SimulationFailure(options: options, step: 0, time: "0s", violation: "could not set up: \(error)", events: []))
        }
        do {
            return .success(try simulation.run())
        } catch {
            return .failure(error)
        }
    }

    /// The fewest steps (before healing) with which `failure`'s seed still fails: a run with fewer
    /// steps is the same run cut short, so the search is a bisection over the step count.
    public static func shortest(_ failure: SimulationFailure) -> SimulationFailure {
        var best = failure
        var low = 0, high = min(failure.options.steps, failure.step)
        while low < high {
            let middle = (low + high) / 2
            var options = failure.options
            options.steps = middle
            if case .failure(let shorter) = run(options) {
                best = shorter
                high = middle
            } else {
                low = middle + 1
            }
        }
        return best
    }
}
