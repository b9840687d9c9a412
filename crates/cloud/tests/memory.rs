//! Freed large blocks go back to the system (`ringdesk_cloud::memory`): a password hash's
//! 19 MiB, allocated and freed twice, leaves nothing resident. With glibc's default the first
//! free raises the mmap threshold past 19 MiB and the second block stays in the heap. Its own
//! test binary: the resident size of a process running other tests would move under it.

use ringdesk_cloud::memory::return_large_blocks_when_freed;

/// This process's resident anonymous memory, in KiB.
fn rss_anon_kib() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("RssAnon:"))
        .and_then(|v| v.split_whitespace().next())
        .expect("RssAnon")
        .parse()
        .unwrap()
}

/// A 19 MiB block, every page touched, then freed.
fn hash_sized_block() {
    let block = vec![1_u8; 19 << 20];
    assert_eq!(std::hint::black_box(&block)[block.len() - 1], 1);
}

#[test]
fn large_blocks_are_returned_when_freed() {
    assert!(return_large_blocks_when_freed());
    let before = rss_anon_kib();
    hash_sized_block();
    hash_sized_block();
    let kept = rss_anon_kib() - before;
    assert!(kept < 4 * 1024, "{kept} KiB still resident");
}
