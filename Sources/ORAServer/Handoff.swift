// Moving a value that is not Sendable to the thread that will own it.

/// Hands a non-Sendable value to the thread that will own it from then on.
struct Handoff<T>: @unchecked Sendable {
    let value: T
}
