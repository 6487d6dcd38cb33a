package state

import (
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// release drops from the process the pages of the state file's map that
// reading has made resident, so that a run's resident memory stays flat
// however large the state: the kernel keeps them in its page cache, and
// the next read of one maps it back in. bbolt maps the file read-only and
// shared, and writes through the file, so dropping a page never loses or
// changes anything.
//
// It is safe while bbolt remaps the file as it grows because it runs only
// with tx, a read transaction, open. Beginning tx took bbolt's mmaplock
// for reading, and a remap (a commit that grows the file past the map)
// takes that lock exclusively, so it waits until every open read
// transaction has ended: while tx is open, the map is not unmapped or
// moved, DB.Info().Data is its address, and it is at least tx.Size()
// bytes long (the size of the file as of tx's meta page, which the map
// covers). The address is passed to madvise as a number, never made into
// a Go pointer: the map is not Go memory, and no unsafe conversion is
// needed. TestReleaseWhileTheMapGrows checks it, under -race.
//
// An error (none is expected: the range is mapped and page-aligned) only
// leaves the pages resident: callers may ignore it; tests check it.
func release(tx *bolt.Tx) error {
	size := tx.Size()
	if size <= 0 {
		return nil
	}
	data := tx.DB().Info().Data
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, data, uintptr(size), syscall.MADV_DONTNEED); errno != 0 {
		return errno
	}
	return nil
}
