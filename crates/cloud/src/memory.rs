//! How the cloud's memory goes back to the system. Every `unsafe` of the crate is here.
//!
//! glibc's malloc serves a large block from a fresh mapping and unmaps it when freed, but only
//! blocks above its *mmap threshold*, which it raises to the size of each large block freed
//! (up to 32 MiB). After the first login's password hash (Argon2, 19 MiB) is freed, the next
//! ones come from the malloc arenas instead, and each arena — up to eight per core, one per
//! thread that hashed — keeps its 19 MiB for good: 200 logins left 397 MiB resident
//! (`BENCHMARKS.md`, logins). Fixing the threshold at 1 MiB turns that adjustment off: every
//! block from 1 MiB up is mapped for its lifetime and returned when freed (the same 200 logins
//! leave 33 MiB). Smaller blocks — a call's buffers, a message — are unaffected.
#![allow(unsafe_code)]

/// glibc's `M_MMAP_THRESHOLD` (`malloc.h`).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const M_MMAP_THRESHOLD: std::ffi::c_int = -3;

/// From this size up a block gets its own mapping.
pub const MMAP_THRESHOLD_BYTES: usize = 1 << 20;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
unsafe extern "C" {
    fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
}

/// Makes freed large blocks go back to the system at once (see the module). Call it first in
/// `main`; whether it took is returned (elsewhere than glibc there is nothing to do: `true`).
pub fn return_large_blocks_when_freed() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let threshold = MMAP_THRESHOLD_BYTES as std::ffi::c_int;
        // SAFETY: mallopt only sets a malloc parameter; it takes plain integers, may be called
        // at any time from any thread, and reports failure by returning 0.
        unsafe { mallopt(M_MMAP_THRESHOLD, threshold) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        true
    }
}
