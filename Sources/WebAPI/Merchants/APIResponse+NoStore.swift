extension APIResponse {
    /// The same answer, never stored by a cache (console answers are one user's).
    var noStore: APIResponse {
        var copy = self
        copy.headers["Cache-Control"] = "no-store"
        return copy
    }
}
