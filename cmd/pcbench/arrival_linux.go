package main

import (
	"encoding/binary"
	"io"
	"net"
	"sync/atomic"
	"syscall"
	"time"
)

// kernelArrival listens with the kernel's receive timestamps: each accepted
// connection has SO_TIMESTAMPNS set and is read with recvmsg, so the time
// the latest bytes read reached the socket is known, however late the
// server's goroutine ran to read them. On a shared two-core machine the
// server, a process among others, is sometimes off the CPU for milliseconds
// and then takes those milliseconds' requests in a clump; the kernel's
// timestamps still say when each arrived, as a server on its own hardware
// would see it.
//
// The listening socket gets SO_TIMESTAMPNS too, before any connection
// comes: the accepted sockets inherit it, and every packet is stamped from
// the first, which would otherwise reach the socket before Accept returns
// and carry another clock's time.
func kernelArrival(ln net.Listener) net.Listener {
	if tl, ok := ln.(*net.TCPListener); ok {
		if raw, err := tl.SyscallConn(); err == nil {
			raw.Control(func(fd uintptr) { setTimestamps(fd) })
		}
	}
	return rxListener{ln}
}

func setTimestamps(fd uintptr) error {
	return syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_TIMESTAMPNS, 1)
}

type rxListener struct{ net.Listener }

func (l rxListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return c, nil
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return c, nil
	}
	var serr error
	if err := raw.Control(func(fd uintptr) { serr = setTimestamps(fd) }); err != nil || serr != nil {
		return c, nil
	}
	return &rxConn{TCPConn: tc, raw: raw, oob: make([]byte, 128)}, nil
}

// rxConn is a connection read with recvmsg; last is the kernel's receive
// time of the latest bytes read, in Unix nanoseconds.
type rxConn struct {
	*net.TCPConn
	raw  syscall.RawConn
	oob  []byte
	last atomic.Int64
}

func (c *rxConn) Read(p []byte) (int, error) {
	var n, oobn int
	var rerr error
	err := c.raw.Read(func(fd uintptr) bool {
		n, oobn, _, _, rerr = syscall.Recvmsg(int(fd), p, c.oob, 0)
		return rerr != syscall.EAGAIN
	})
	if err == nil {
		err = rerr
	}
	if err != nil {
		return 0, err
	}
	if n == 0 && len(p) > 0 {
		return 0, io.EOF
	}
	if ts, ok := rxTime(c.oob[:oobn]); ok {
		c.last.Store(ts)
	}
	return n, nil
}

// rxTime finds the SCM_TIMESTAMPNS message among a recvmsg's control
// messages.
func rxTime(oob []byte) (int64, bool) {
	msgs, err := syscall.ParseSocketControlMessage(oob)
	if err != nil {
		return 0, false
	}
	for _, m := range msgs {
		// struct timespec on 64-bit Linux: seconds, then nanoseconds.
		if m.Header.Level == syscall.SOL_SOCKET && m.Header.Type == syscall.SCM_TIMESTAMPNS && len(m.Data) >= 16 {
			sec := int64(binary.NativeEndian.Uint64(m.Data[0:8]))
			nsec := int64(binary.NativeEndian.Uint64(m.Data[8:16]))
			return time.Unix(sec, nsec).UnixNano(), true
		}
	}
	return 0, false
}

// arrivalOf returns when the bytes of the request read last on c reached
// the socket, if c keeps that and the time is plausible: not after now,
// and less than a minute before it.
func arrivalOf(c net.Conn, now time.Time) (time.Time, bool) {
	rc, ok := c.(*rxConn)
	if !ok {
		return time.Time{}, false
	}
	t := time.Unix(0, rc.last.Load())
	if t.After(now) || now.Sub(t) > time.Minute {
		return time.Time{}, false
	}
	return t, true
}
