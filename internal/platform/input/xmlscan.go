package input

import (
	"bytes"

	"github.com/safeduty/safeduty/internal/platform/apperr"
)

// maxOtherElements is the most XML elements the parts held in memory may have together
// (workbook, styles, theme…): the xlsx library parses them into structures many times
// their size. An ordinary workbook has a few thousand.
const maxOtherElements = 50000

// xmlScan checks one XML part as it streams by, in fixed memory: no tag, comment or
// text run longer than Limits.Cell, nesting no deeper than maxDepth, no document type
// declaration (xlsx has none; it is where entity expansion lives); in a worksheet, no
// more than Limits.Rows rows (nor a higher row number) and Limits.Columns cells in a
// row (nor a higher column), no cell element over Limits.Cell; in the shared strings,
// no string element over Limits.Cell, and no more strings than a sheet could hold.
// It is not an XML parser: it tracks just enough of the syntax (tags, quoted attribute
// values, comments, CDATA) to measure these.
type xmlScan struct {
	lim                  Limits
	sheet, sharedStrings bool
	elems                *int // elements of the in-memory parts so far

	state  int
	tag    []byte // the current tag, without '<' and '>'
	quote  byte
	run    int    // bytes of the current text run, comment or CDATA
	tail   []byte // the last bytes of a comment or CDATA, for its end
	depth  int
	cell   int // bytes of the open cell or string element, -1 when none is open
	cellAt int // depth of the open cell element
	rows   int
	cols   int
	row    int // the current row's number
	strs   int
}

const (
	stText = iota
	stTag
	stComment
	stCDATA
)

// newXMLScan returns a scanner for one part; elems counts the elements of the parts
// held in memory across the whole file.
func newXMLScan(lim Limits, sheet, sharedStrings bool, elems *int) *xmlScan {
	return &xmlScan{lim: lim, sheet: sheet, sharedStrings: sharedStrings, elems: elems, cell: -1, tag: make([]byte, 0, 256)}
}

// feed scans the next bytes of the part.
func (s *xmlScan) feed(b []byte) error {
	for _, c := range b {
		if s.cell >= 0 {
			s.cell++
			if s.cell > s.lim.Cell {
				return s.cellErr()
			}
		}
		switch s.state {
		case stText:
			if c == '<' {
				s.state, s.tag, s.quote, s.run = stTag, s.tag[:0], 0, 0
				continue
			}
			if s.run++; s.run > s.lim.Cell {
				return s.cellErr()
			}
		case stTag:
			if len(s.tag) >= s.lim.Cell {
				return s.structErr()
			}
			if s.quote != 0 {
				if c == s.quote {
					s.quote = 0
				}
				s.tag = append(s.tag, c)
				continue
			}
			switch {
			case c == '>':
				s.state = stText
				if err := s.endTag(); err != nil {
					return err
				}
				continue
			case (c == '"' || c == '\'') && len(s.tag) > 0 && s.tag[0] != '!':
				s.quote = c
			}
			s.tag = append(s.tag, c)
			switch {
			case bytes.Equal(s.tag, []byte("!--")):
				s.state, s.run, s.tail = stComment, 0, s.tail[:0]
			case bytes.Equal(s.tag, []byte("![CDATA[")):
				s.state, s.run, s.tail = stCDATA, 0, s.tail[:0]
			case bytes.EqualFold(s.tag, []byte("!DOCTYPE")) || bytes.EqualFold(s.tag, []byte("!ENTITY")):
				return s.structErr()
			}
		case stComment, stCDATA:
			if s.run++; s.run > s.lim.Cell {
				if s.state == stCDATA {
					return s.cellErr()
				}
				return s.structErr()
			}
			s.tail = append(s.tail, c)
			if len(s.tail) > 3 {
				s.tail = append(s.tail[:0], s.tail[1:]...)
			}
			if (s.state == stComment && bytes.Equal(s.tail, []byte("-->"))) || (s.state == stCDATA && bytes.Equal(s.tail, []byte("]]>"))) {
				s.state, s.run = stText, 0
			}
		}
	}
	return nil
}

// end checks that the part did not stop inside a tag.
func (s *xmlScan) end() error {
	if s.state != stText {
		return s.structErr()
	}
	return nil
}

// endTag handles the tag just closed by '>'.
func (s *xmlScan) endTag() error {
	t := s.tag
	if len(t) == 0 || t[0] == '?' || t[0] == '!' {
		return nil // a declaration or processing instruction
	}
	if t[0] == '/' {
		s.depth--
		if s.cell >= 0 && s.depth < s.cellAt {
			s.cell = -1
		}
		return nil
	}
	selfClosing := t[len(t)-1] == '/'
	if !selfClosing {
		if s.depth++; s.depth > maxDepth {
			return s.structErr()
		}
	}
	if !s.sheet && !s.sharedStrings {
		if *s.elems++; *s.elems > maxOtherElements {
			return apperr.New(apperr.Invalid, "input.sheet_other", apperr.E{"max": Size(s.lim.Other)})
		}
		return nil
	}
	name := localName(t)
	switch {
	case s.sheet && name == "row":
		s.rows++
		s.cols = 0
		s.row++
		if n, ok := attrInt(t, "r", false); ok {
			s.row = n
		}
		if s.rows > s.lim.Rows || s.row > s.lim.Rows {
			return rowsErr(s.lim)
		}
	case s.sheet && name == "c":
		s.cols++
		col := s.cols
		if n, ok := attrInt(t, "r", true); ok {
			col = n
		}
		if s.cols > s.lim.Columns || col > s.lim.Columns {
			return apperr.New(apperr.Invalid, "input.sheet_columns", apperr.E{"row": s.row, "max": s.lim.Columns})
		}
		s.openCell(len(t)+2, selfClosing)
	case s.sharedStrings && name == "si":
		if s.strs++; s.strs > s.lim.Strings {
			return apperr.New(apperr.Invalid, "input.sheet_strings", apperr.E{"max": s.lim.Strings})
		}
		s.openCell(len(t)+2, selfClosing)
	}
	return nil
}

func (s *xmlScan) openCell(n int, selfClosing bool) {
	if selfClosing || s.cell >= 0 {
		return
	}
	s.cell, s.cellAt = n, s.depth
}

func (s *xmlScan) cellErr() error {
	if s.sheet {
		return apperr.New(apperr.Invalid, "input.sheet_cell_row", apperr.E{"row": s.row, "max": Size(int64(s.lim.Cell))})
	}
	return apperr.New(apperr.Invalid, "input.sheet_cell", apperr.E{"max": Size(int64(s.lim.Cell))})
}

func (s *xmlScan) structErr() error {
	return apperr.New(apperr.Invalid, "input.sheet_structure", apperr.E{"max": Size(int64(s.lim.Cell)), "depth": maxDepth})
}

// localName is a start tag's element name without its namespace prefix.
func localName(tag []byte) string {
	end := bytes.IndexAny(tag, " \t\r\n/")
	if end < 0 {
		end = len(tag)
	}
	name := tag[:end]
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	return string(name)
}

// attrInt reads attribute name of a start tag as a row number, or as the column of a
// cell reference ("AB12" → 28) when column is set.
func attrInt(tag []byte, name string, column bool) (int, bool) {
	i := bytes.IndexAny(tag, " \t\r\n")
	for i >= 0 && i < len(tag) {
		for i < len(tag) && (tag[i] == ' ' || tag[i] == '\t' || tag[i] == '\r' || tag[i] == '\n') {
			i++
		}
		start := i
		for i < len(tag) && tag[i] != '=' && tag[i] != ' ' && tag[i] != '/' {
			i++
		}
		key := tag[start:i]
		for i < len(tag) && (tag[i] == ' ' || tag[i] == '=') {
			i++
		}
		if i >= len(tag) || (tag[i] != '"' && tag[i] != '\'') {
			return 0, false
		}
		q := tag[i]
		i++
		vstart := i
		for i < len(tag) && tag[i] != q {
			i++
		}
		val := tag[vstart:min(i, len(tag))]
		i++
		if string(key) == name {
			return refNumber(val, column)
		}
	}
	return 0, false
}

// refNumber reads the digits of a row number, or the letters of a cell reference's
// column (A = 1), saturating instead of overflowing.
func refNumber(v []byte, column bool) (int, bool) {
	n, seen := 0, false
	for _, c := range v {
		switch {
		case column && c >= 'A' && c <= 'Z':
			n = min(n*26+int(c-'A'+1), 1<<30)
		case column && c >= 'a' && c <= 'z':
			n = min(n*26+int(c-'a'+1), 1<<30)
		case !column && c >= '0' && c <= '9':
			n = min(n*10+int(c-'0'), 1<<30)
		case column:
			return n, seen
		default:
			return 0, false
		}
		seen = true
	}
	return n, seen
}
