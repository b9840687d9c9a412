//! The file a recording is written into while the call goes: a 16-bit PCM WAV file whose
//! header is rewritten after every block appended, so the file on disk is whole at every
//! moment. A `kill -9` loses only the block being gathered (about a second); what is on disk
//! plays as it is, and [`WavFile::repair`] mends the header from the file's length should a
//! crash land between a block and its header.

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use ringdesk_media::recording::{
    RECORDING_CHANNELS, RECORDING_RATE_HZ, WAV_HEADER_BYTES, stereo_wav_header,
};

/// Bytes of one stereo sample frame.
const FRAME_BYTES: u64 = 2 * RECORDING_CHANNELS as u64;

/// A recording's WAV file, open for appending.
#[derive(Debug)]
pub struct WavFile {
    file: File,
    data_bytes: u32,
}

impl WavFile {
    /// Creates the file (replacing one left there) with an empty recording.
    pub fn create(path: &Path) -> std::io::Result<WavFile> {
        let mut file = File::create(path)?;
        file.write_all(&stereo_wav_header(RECORDING_RATE_HZ, RECORDING_CHANNELS, 0))?;
        Ok(WavFile {
            file,
            data_bytes: 0,
        })
    }

    /// Appends interleaved stereo samples, then the header saying so.
    pub fn append(&mut self, samples: &[i16]) -> std::io::Result<()> {
        let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        self.file.seek(SeekFrom::End(0))?;
        self.file.write_all(&bytes)?;
        self.data_bytes = self.data_bytes.saturating_add(bytes.len() as u32);
        self.write_header()
    }

    /// Writes the header and makes the file durable: the recording is complete.
    pub fn finish(mut self) -> std::io::Result<u64> {
        self.write_header()?;
        self.file.sync_all()?;
        Ok(duration_ms(u64::from(self.data_bytes)))
    }

    fn write_header(&mut self) -> std::io::Result<()> {
        self.file.seek(SeekFrom::Start(0))?;
        self.file.write_all(&stereo_wav_header(
            RECORDING_RATE_HZ,
            RECORDING_CHANNELS,
            self.data_bytes,
        ))
    }

    /// Mends a recording a crash left: the data is what the file holds after the header, cut
    /// to whole sample frames, and the header says so. Returns its length in ms.
    pub fn repair(path: &Path) -> std::io::Result<u64> {
        let mut file = OpenOptions::new().read(true).write(true).open(path)?;
        let len = file.metadata()?.len();
        let header = WAV_HEADER_BYTES as u64;
        if len < header {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the recording's file is shorter than its header",
            ));
        }
        let data = ((len - header) / FRAME_BYTES * FRAME_BYTES).min(u64::from(u32::MAX - 64));
        file.set_len(header + data)?;
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&stereo_wav_header(
            RECORDING_RATE_HZ,
            RECORDING_CHANNELS,
            data as u32,
        ))?;
        file.sync_all()?;
        Ok(duration_ms(data))
    }
}

/// How long `data_bytes` of recording play.
fn duration_ms(data_bytes: u64) -> u64 {
    data_bytes / FRAME_BYTES * 1000 / u64::from(RECORDING_RATE_HZ)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &Path) -> Vec<i16> {
        hound::WavReader::open(path)
            .expect("a whole WAV file")
            .into_samples()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn the_file_is_a_whole_wav_after_every_block() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("1.wav");
        let mut wav = WavFile::create(&path).unwrap();
        assert!(read(&path).is_empty());
        wav.append(&[1, 2, 3, 4]).unwrap();
        assert_eq!(read(&path), vec![1, 2, 3, 4], "readable without finishing");
        wav.append(&[5, 6]).unwrap();
        assert_eq!(wav.finish().unwrap(), 0);
        assert_eq!(read(&path), vec![1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn a_crash_between_a_block_and_its_header_is_repaired() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2.wav");
        let mut wav = WavFile::create(&path).unwrap();
        let second: Vec<i16> = (0..32_000).map(|i| (i % 100) as i16).collect();
        wav.append(&second).unwrap();
        drop(wav);
        // The next block landed, its header did not, and half a sample frame trails it.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(&[7, 0, 8, 0, 9]).unwrap();
        drop(f);
        assert_eq!(WavFile::repair(&path).unwrap(), 1_000);
        let samples = read(&path);
        assert_eq!(samples.len(), 32_002);
        assert_eq!(&samples[32_000..], &[7, 8]);
    }

    #[test]
    fn a_file_shorter_than_a_header_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("3.wav");
        std::fs::write(&path, b"RIFF").unwrap();
        assert!(WavFile::repair(&path).is_err());
    }
}
