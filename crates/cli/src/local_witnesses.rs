//! The participants' witnesses run on loopback beside a server, for the
//! demo: each with its own key and state directory, exactly the service
//! `truce witness` runs, so the demo opens on checkpoints cosigned by every
//! participant's witness. (In a real deployment each participant runs
//! `truce witness` on its own machine.)

use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use truce_tlog::Cosigner;
use truce_tlog::note::{NoteSigner, NoteVerifier};
use truce_witness::{Witness, WitnessState};

/// Witnesses serving in a thread of their own until dropped.
pub struct LocalWitnesses {
    /// Each witness's URL, by its name in the witness policy.
    pub urls: BTreeMap<String, String>,
    stop: Option<tokio::sync::watch::Sender<bool>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LocalWitnesses {
    /// Starts one witness per `(policy name, key)`, trusting `log`, each
    /// keeping its state in `state_root/<name>` and timestamping its
    /// cosignatures by `clock`.
    pub fn start(
        state_root: &Path,
        log: &NoteVerifier,
        witnesses: &[(String, NoteSigner)],
        clock: truce_witness::Clock,
    ) -> Result<Self> {
        let mut services = Vec::new();
        let mut urls = BTreeMap::new();
        for (name, key) in witnesses {
            let listener = std::net::TcpListener::bind("127.0.0.1:0")
                .context("cannot open a loopback port for a witness")?;
            listener.set_nonblocking(true)?;
            urls.insert(name.clone(), format!("http://{}", listener.local_addr()?));
            let witness = Witness::new(
                Cosigner::from_note_signer(key),
                vec![log.clone()],
                WitnessState::open(&state_root.join(name))?,
                Arc::clone(&clock),
            );
            services.push((listener, Arc::new(witness)));
        }
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .context("cannot start the witnesses' runtime")?;
        let thread = std::thread::Builder::new()
            .name("truce-witnesses".into())
            .spawn(move || {
                runtime.block_on(async move {
                    let mut tasks = tokio::task::JoinSet::new();
                    for (listener, witness) in services {
                        let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                            continue;
                        };
                        let mut stopped = stopped.clone();
                        tasks.spawn(async move {
                            let shutdown = async move {
                                let _ = stopped.wait_for(|s| *s).await;
                            };
                            if let Err(e) =
                                truce_witness::service::serve(listener, witness, shutdown).await
                            {
                                tracing::error!("a demo witness stopped: {e}");
                            }
                        });
                    }
                    while tasks.join_next().await.is_some() {}
                });
            })
            .context("cannot start the witnesses' thread")?;
        Ok(LocalWitnesses {
            urls,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for LocalWitnesses {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
