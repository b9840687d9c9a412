//! A throwaway PostgreSQL cluster for the test run: initialised in a temporary directory,
//! listening on a free loopback port, stopped and deleted when dropped — so the suites run on
//! a real server without touching any cluster the machine already has.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::run;

/// A running cluster; stops when dropped.
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    as_postgres: bool,
    /// The URL of its `postgres` database (`RINGDESK_TEST_POSTGRES` for the suites).
    pub url: String,
}

/// The newest installed server's `bin` directory (Debian: `/usr/lib/postgresql/<major>/bin`).
fn server_bin() -> anyhow::Result<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL is not installed (/usr/lib/postgresql is missing)")?
        .filter_map(|e| {
            let e = e.ok()?;
            let major = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((major, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .context("no PostgreSQL server under /usr/lib/postgresql")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

impl Cluster {
    /// Initialises and starts a cluster. The server refuses to run as root, so as root it runs
    /// as the `postgres` user the Debian package creates.
    pub fn start() -> anyhow::Result<Cluster> {
        let bin = server_bin()?;
        let dir = std::env::temp_dir().join(format!("ringdesk-pg-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(dir.join("socket"))?;
        let as_postgres = is_root();
        if as_postgres {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir))?;
        }
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let cluster = Cluster {
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            bin,
            dir,
            as_postgres,
        };
        cluster.pg(
            "initdb",
            &[
                "-D",
                &cluster.data(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        )?;
        // A test cluster: durability is not what is tested, speed helps.
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            cluster.dir.join("socket").display()
        );
        let log = cluster.dir.join("server.log").display().to_string();
        if let Err(e) = cluster.pg(
            "pg_ctl",
            &[
                "-D",
                &cluster.data(),
                "-o",
                &options,
                "-l",
                &log,
                "-w",
                "start",
            ],
        ) {
            let tail = std::fs::read_to_string(&log).unwrap_or_default();
            bail!("{e}\nPostgreSQL's log:\n{tail}");
        }
        eprintln!("PostgreSQL for the tests: {}", cluster.url);
        Ok(cluster)
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn pg(&self, tool: &str, args: &[&str]) -> anyhow::Result<()> {
        let program = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        // The server's user may not be allowed into the directory cargo runs from.
        cmd.args(args).current_dir(Path::new("/"));
        run(&mut cmd)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Err(e) = self.pg("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]) {
            eprintln!("stopping the test PostgreSQL: {e}");
        }
        std::fs::remove_dir_all(&self.dir).ok();
    }
}
