//! Addresses, streams and listeners over Unix domain sockets and TCP loopback.
//!
//! Also the router's one place for raw system calls (a documented unsafe hot
//! spot): non-blocking receive and `poll(2)` on a stream, and the host
//! poller's `epoll` and `eventfd`, which the standard library does not offer.
//! Each `unsafe` block says why its call is sound.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::time::Duration;

/// Where a router listens or a peer can be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// A Unix domain socket path (`unix:/tmp/x.sock`, or any text containing `/`).
    Unix(PathBuf),
    /// A TCP address on the loopback interface (`tcp:127.0.0.1:4000`).
    Tcp(SocketAddr),
}

impl Address {
    /// Parses `unix:PATH`, `tcp:IP:PORT`, a bare path (contains `/`) or a bare
    /// `IP:PORT`. TCP addresses must be loopback.
    pub fn parse(text: &str) -> Result<Address, String> {
        if let Some(path) = text.strip_prefix("unix:") {
            return Self::unix(path);
        }
        let tcp = text.strip_prefix("tcp:").unwrap_or(text);
        if let Ok(addr) = tcp.parse::<SocketAddr>() {
            if !addr.ip().is_loopback() {
                return Err(format!("TCP address `{addr}` is not a loopback address"));
            }
            return Ok(Address::Tcp(addr));
        }
        if text.contains('/') && !text.starts_with("tcp:") {
            return Self::unix(text);
        }
        Err(format!("`{text}` is neither `unix:PATH` nor a loopback `tcp:IP:PORT`"))
    }

    fn unix(path: &str) -> Result<Address, String> {
        // sun_path holds 108 bytes including the NUL.
        if path.is_empty() || path.len() > 107 {
            return Err(format!("Unix socket path of {} bytes (1..=107 allowed)", path.len()));
        }
        Ok(Address::Unix(PathBuf::from(path)))
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Address::Unix(p) => write!(f, "unix:{}", p.display()),
            Address::Tcp(a) => write!(f, "tcp:{a}"),
        }
    }
}

/// A connected byte stream of either family.
#[derive(Debug)]
pub enum Stream {
    /// Unix domain socket.
    Unix(UnixStream),
    /// TCP socket.
    Tcp(TcpStream),
}

impl Stream {
    /// Connects to `addr`, waiting at most `timeout` for TCP.
    pub fn connect(addr: &Address, timeout: Duration) -> io::Result<Stream> {
        match addr {
            Address::Unix(p) => UnixStream::connect(p).map(Stream::Unix),
            Address::Tcp(a) => {
                let s = TcpStream::connect_timeout(a, timeout)?;
                s.set_nodelay(true)?;
                Ok(Stream::Tcp(s))
            }
        }
    }
    /// A second handle on the same socket.
    pub fn try_clone(&self) -> io::Result<Stream> {
        Ok(match self {
            Stream::Unix(s) => Stream::Unix(s.try_clone()?),
            Stream::Tcp(s) => Stream::Tcp(s.try_clone()?),
        })
    }
    /// Closes both directions; blocked readers return.
    pub fn shutdown(&self) {
        let _ = match self {
            Stream::Unix(s) => s.shutdown(Shutdown::Both),
            Stream::Tcp(s) => s.shutdown(Shutdown::Both),
        };
    }
    /// Read timeout (`None` blocks).
    pub fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.set_read_timeout(t),
            Stream::Tcp(s) => s.set_read_timeout(t),
        }
    }
    /// Asks the kernel for a send buffer of `bytes` (it may grant less).
    pub fn set_send_buffer(&self, bytes: usize) -> io::Result<()> {
        let size = libc::c_int::try_from(bytes).unwrap_or(libc::c_int::MAX);
        // SAFETY: `self.fd()` is an open socket; the option value is a c_int
        // that lives across the call, and its size is passed with it.
        let rc = unsafe {
            libc::setsockopt(
                self.fd(),
                libc::SOL_SOCKET,
                libc::SO_SNDBUF,
                (&size as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if rc < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(())
        }
    }

    pub(crate) fn fd(&self) -> std::os::unix::io::RawFd {
        use std::os::unix::io::AsRawFd;
        match self {
            Stream::Unix(s) => s.as_raw_fd(),
            Stream::Tcp(s) => s.as_raw_fd(),
        }
    }

    /// Write timeout (`None` blocks).
    pub fn set_write_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Unix(s) => s.set_write_timeout(t),
            Stream::Tcp(s) => s.set_write_timeout(t),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Unix(s) => s.read(buf),
            Stream::Tcp(s) => s.read(buf),
        }
    }
}

impl Stream {
    /// send(2) with `flags` added to MSG_NOSIGNAL: a peer that hung up must
    /// give EPIPE, not a SIGPIPE that kills a C or C# host process (only Rust
    /// binaries ignore SIGPIPE by default).
    fn send_with(&self, buf: &[u8], flags: libc::c_int) -> io::Result<usize> {
        // SAFETY: `self.fd()` is an open socket owned by `self`, and `buf` is
        // valid for `buf.len()` bytes.
        let n = unsafe { libc::send(self.fd(), buf.as_ptr().cast(), buf.len(), libc::MSG_NOSIGNAL | flags) };
        if n < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    }

    /// Writes what fits into the socket buffer now, without waiting (the
    /// socket itself stays blocking for other writers); `WouldBlock` when
    /// nothing fits.
    pub fn send_now(&self, buf: &[u8]) -> io::Result<usize> {
        self.send_with(buf, libc::MSG_DONTWAIT)
    }

    /// Reads what has arrived, without waiting (the socket itself stays
    /// blocking); `WouldBlock` when nothing has, `Ok(0)` at the end.
    pub fn recv_now(&self, buf: &mut [u8]) -> io::Result<usize> {
        // SAFETY: `self.fd()` is an open socket owned by `self`, and `buf` is
        // valid for writes of `buf.len()` bytes.
        let n = unsafe { libc::recv(self.fd(), buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT) };
        if n < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    }

    /// Waits until the socket is readable (or closed), at most `timeout`
    /// (`None`: no limit); false on timeout.
    pub fn wait_readable(&self, timeout: Option<Duration>) -> io::Result<bool> {
        let mut fds = libc::pollfd { fd: self.fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: `fds` is one valid pollfd for the duration of the call.
        let n = unsafe { libc::poll(&mut fds, 1, timeout_ms(timeout)) };
        match n {
            n if n < 0 => Err(io::Error::last_os_error()),
            0 => Ok(false),
            _ => Ok(true),
        }
    }
}

/// A timeout for poll(2) and epoll_wait(2) in whole milliseconds, rounded
/// up (a wait never ends early); -1 for none.
fn timeout_ms(timeout: Option<Duration>) -> libc::c_int {
    match timeout {
        None => -1,
        Some(t) => libc::c_int::try_from(t.as_nanos().div_ceil(1_000_000)).unwrap_or(libc::c_int::MAX),
    }
}

/// Readiness of many sockets at once (epoll), plus a wake-up other threads
/// can trigger (an eventfd): lets a thread wait for data on every
/// connection and for messages delivered by other threads in one call.
#[derive(Debug)]
pub struct Poller {
    epoll: std::os::fd::OwnedFd,
    wake: std::os::fd::OwnedFd,
}

/// The key [`Poller::wait`] reports for [`Poller::wake`].
pub const WAKE_KEY: u64 = u64::MAX;

impl Poller {
    /// A new, empty poller.
    pub fn new() -> io::Result<Poller> {
        use std::os::fd::FromRawFd;
        // SAFETY: plain system calls; each descriptor is owned right after
        // it is checked, so it is closed exactly once.
        unsafe {
            let epoll = libc::epoll_create1(libc::EPOLL_CLOEXEC);
            if epoll < 0 {
                return Err(io::Error::last_os_error());
            }
            let epoll = std::os::fd::OwnedFd::from_raw_fd(epoll);
            let wake = libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK);
            if wake < 0 {
                return Err(io::Error::last_os_error());
            }
            let wake = std::os::fd::OwnedFd::from_raw_fd(wake);
            let poller = Poller { epoll, wake };
            use std::os::fd::AsRawFd;
            poller.ctl(libc::EPOLL_CTL_ADD, poller.wake.as_raw_fd(), WAKE_KEY)?;
            Ok(poller)
        }
    }

    fn ctl(&self, op: libc::c_int, fd: std::os::unix::io::RawFd, key: u64) -> io::Result<()> {
        use std::os::fd::AsRawFd;
        let mut ev = libc::epoll_event { events: libc::EPOLLIN as u32, u64: key };
        // SAFETY: both descriptors are open; `ev` is valid for the call.
        if unsafe { libc::epoll_ctl(self.epoll.as_raw_fd(), op, fd, &mut ev) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Reports `stream` readable under `key` from now on.
    pub fn add(&self, stream: &Stream, key: u64) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_ADD, stream.fd(), key)
    }

    /// Stops reporting `stream` (call before the stream is closed).
    pub fn remove(&self, stream: &Stream) {
        let _ = self.ctl(libc::EPOLL_CTL_DEL, stream.fd(), 0);
    }

    /// Makes a current or the next [`Poller::wait`] return [`WAKE_KEY`].
    pub fn wake(&self) {
        use std::os::fd::AsRawFd;
        let one = 1u64.to_ne_bytes();
        // SAFETY: the eventfd is open; 8 bytes are written from a live array.
        // It can only fail when the counter is near overflow: then it is set anyway.
        let _ = unsafe { libc::write(self.wake.as_raw_fd(), one.as_ptr().cast(), one.len()) };
    }

    /// Waits at most `timeout` until a registered stream is readable or
    /// [`Poller::wake`] was called, puts the keys of what is ready into
    /// `keys` and returns how many (0 on timeout). A wake-up is consumed.
    pub fn wait(&self, timeout: Duration, keys: &mut [u64; 16]) -> io::Result<usize> {
        use std::os::fd::AsRawFd;
        let mut events = [libc::epoll_event { events: 0, u64: 0 }; 16];
        // SAFETY: `events` is valid for 16 entries during the call.
        let n = unsafe { libc::epoll_wait(self.epoll.as_raw_fd(), events.as_mut_ptr(), events.len() as libc::c_int, timeout_ms(Some(timeout))) };
        if n < 0 {
            let e = io::Error::last_os_error();
            return if e.kind() == io::ErrorKind::Interrupted { Ok(0) } else { Err(e) };
        }
        let n = n as usize;
        for (key, ev) in keys.iter_mut().zip(&events[..n]) {
            *key = ev.u64;
            if *key == WAKE_KEY {
                let mut count = [0u8; 8];
                // SAFETY: the eventfd is open and non-blocking; 8 bytes fit `count`.
                let _ = unsafe { libc::read(self.wake.as_raw_fd(), count.as_mut_ptr().cast(), count.len()) };
            }
        }
        Ok(n)
    }
}

impl Write for &Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.send_with(buf, 0)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.send_with(buf, 0)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A listening socket (non-blocking accept).
#[derive(Debug)]
pub enum Listener {
    /// Unix domain socket and its path (removed on drop).
    Unix(UnixListener, PathBuf),
    /// TCP socket.
    Tcp(TcpListener),
}

impl Listener {
    /// Binds `addr`. A Unix path left behind by a dead process (nothing
    /// accepts on it) is replaced; a live one is `AddrInUse`.
    pub fn bind(addr: &Address) -> io::Result<Listener> {
        let l = match addr {
            Address::Unix(p) => {
                if p.exists() {
                    if UnixStream::connect(p).is_ok() {
                        return Err(io::Error::new(io::ErrorKind::AddrInUse, "a process is listening on this path"));
                    }
                    std::fs::remove_file(p)?;
                }
                Listener::Unix(UnixListener::bind(p)?, p.clone())
            }
            Address::Tcp(a) => Listener::Tcp(TcpListener::bind(a)?),
        };
        match &l {
            Listener::Unix(s, _) => s.set_nonblocking(true)?,
            Listener::Tcp(s) => s.set_nonblocking(true)?,
        }
        Ok(l)
    }
    /// The bound address (with the real port for `tcp:…:0`).
    pub fn local_address(&self) -> io::Result<Address> {
        Ok(match self {
            Listener::Unix(_, p) => Address::Unix(p.clone()),
            Listener::Tcp(s) => Address::Tcp(s.local_addr()?),
        })
    }
    /// A pending connection, if any (`WouldBlock` otherwise).
    pub fn accept(&self) -> io::Result<Stream> {
        match self {
            Listener::Unix(s, _) => {
                let (c, _) = s.accept()?;
                c.set_nonblocking(false)?;
                Ok(Stream::Unix(c))
            }
            Listener::Tcp(s) => {
                let (c, _) = s.accept()?;
                c.set_nonblocking(false)?;
                c.set_nodelay(true)?;
                Ok(Stream::Tcp(c))
            }
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Listener::Unix(_, p) = self {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_families_and_rejects_remote_tcp() {
        assert_eq!(Address::parse("unix:/tmp/a").unwrap(), Address::Unix("/tmp/a".into()));
        assert_eq!(Address::parse("/tmp/a").unwrap(), Address::Unix("/tmp/a".into()));
        assert_eq!(Address::parse("tcp:127.0.0.1:80").unwrap(), Address::Tcp("127.0.0.1:80".parse().unwrap()));
        assert!(Address::parse("tcp:10.0.0.1:80").is_err());
        assert!(Address::parse("nonsense").is_err());
        assert!(Address::parse(&format!("unix:/{}", "x".repeat(200))).is_err());
    }
}
