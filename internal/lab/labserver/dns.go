package main

import (
	"encoding/binary"
	"errors"
	"io"
	"log"
	"net"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// dnsServer answers every query with rcode, echoing the question and no
// records. Unreadable messages get no answer.
type dnsServer struct {
	rcode  dnsmessage.RCode
	logger *log.Logger
}

// serveUDP answers the datagrams on pc until pc is closed.
func (d dnsServer) serveUDP(pc net.PacketConn) {
	buf := make([]byte, 1500)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				d.logger.Printf("%s dns: %v", pc.LocalAddr(), err)
			}
			return
		}
		if answer, ok := d.answer(buf[:n], pc.LocalAddr(), from); ok {
			pc.WriteTo(answer, from)
		}
	}
}

// serveTCP answers the length-prefixed messages of one connection.
func (d dnsServer) serveTCP(c net.Conn) {
	defer c.Close()
	for {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		var size [2]byte
		if _, err := io.ReadFull(c, size[:]); err != nil {
			return
		}
		msg := make([]byte, binary.BigEndian.Uint16(size[:]))
		if _, err := io.ReadFull(c, msg); err != nil {
			return
		}
		answer, ok := d.answer(msg, c.LocalAddr(), c.RemoteAddr())
		if !ok {
			return
		}
		// One write: length prefix and message in the same segment.
		if _, err := c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(answer))), answer...)); err != nil {
			return
		}
	}
}

// answer builds the reply to one query and logs it.
func (d dnsServer) answer(query []byte, local, from net.Addr) ([]byte, bool) {
	out, q, err := dnsAnswer(query, d.rcode)
	if err != nil {
		return nil, false
	}
	d.logger.Printf("%s dns %s %s from %s: %s", local, q.Name, q.Type, from, d.rcode)
	return out, true
}

// dnsAnswer builds the reply with rcode to one query message.
func dnsAnswer(query []byte, rcode dnsmessage.RCode) ([]byte, dnsmessage.Question, error) {
	var p dnsmessage.Parser
	h, err := p.Start(query)
	if err != nil {
		return nil, dnsmessage.Question{}, err
	}
	q, err := p.Question()
	if err != nil || h.Response {
		return nil, q, errors.New("not a query")
	}
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{
		ID: h.ID, Response: true, OpCode: h.OpCode, RecursionDesired: h.RecursionDesired,
		RecursionAvailable: true, RCode: rcode,
	})
	if err := b.StartQuestions(); err != nil {
		return nil, q, err
	}
	if err := b.Question(q); err != nil {
		return nil, q, err
	}
	out, err := b.Finish()
	return out, q, err
}
