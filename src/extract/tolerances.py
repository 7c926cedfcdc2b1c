"""Every threshold the pipeline judges by, named, in one place, with what it is for.

Printed figures are rounded, extractors misplace a character, reports are written by hand:
each number below is how much of that a check forgives, or how much evidence a decision needs.
"""

from __future__ import annotations

from decimal import Decimal

# --- validation (warnings) -------------------------------------------------------------------
#: Detail rows against a printed (sub)total, and a printed variación against its years: the
#: figures are printed rounded to units, so half a unit either way.
TOTAL = Decimal("0.5")
#: A printed % ejecución against devengado / codificado, in percentage points.
PERCENT = Decimal("1.0")
#: A printed % participación against its share of the total (printed to one decimal).
SHARE = Decimal("0.15")

# --- choosing among candidate tables ---------------------------------------------------------
#: A candidate table's totals against its details when scoring its fit (one unit).
FIT_TOTAL = Decimal(1)
#: `p ~ a / b * 100` checks of a spec, used to order same-kind columns (points).
CHECK_PERCENT = Decimal("0.6")
#: `d ~ a - b` checks (a change between two columns), as a share of the larger operand: the
#: printed figures are rounded separately (`12.346` for `58.642 - 46.297`).
CHECK_DIFFERENCE_SHARE = Decimal("0.001")

# --- columns' roles (`tables/roles.py`) ---------------------------------------------------------
#: Value columns a text row may have (the role search is over at most this many).
MAX_VALUE_COLUMNS = 10
#: Details of a share column (`% Participación`) against 100 (printed rounded, one or two decimals).
ROLE_SHARE_SUM = Decimal("1.5")
#: A share cell against its column's constant ratio to another column (points; printed to 0.01-0.1).
ROLE_SHARE_POINTS = Decimal("0.06")
#: Largest value an unmarked column may hold to be read as percentages (a 250% execution is rare).
ROLE_PERCENT_MAX = Decimal(1000)
#: A column may still take a field when its unreadable cells are at most one in this many numbers.
ROLE_UNREADABLE_RATIO = 5
#: Share of a text's lines that hold a lone value, from which text without aligned columns cut
#: into pages is taken for content-stream order (`pdftotext` without `-layout`: 10-30% of its
#: lines; the samples' own text and every other extractor's: under 5%).
STREAM_ORDER_LONE_SHARE = 0.06
#: Longest row label or group a table's own check lets pass (a unit's, a type's or a body's
#: name: under 50 characters in every sample; a paragraph is rows run together).
LABEL_MAX_CHARS = 150
#: Longest text field of a records table (an examination's title: up to ~750 characters).
RECORD_TEXT_MAX_CHARS = 2000
#: Words of a table's header that, found in a row's text, show the header was read as a row.
HEADER_PHRASE_WORDS = 4
#: Lines above a table's first row searched for its money unit (`(en miles de dólares)`).
CAPTION_LINES = 12
#: Assignments of columns to fields weighed at most (a table has rarely more than eight columns).
ROLE_MAX_ASSIGNMENTS = 20000

# --- reading ----------------------------------------------------------------------------------
#: Share of the numbers that must point to one convention (`1.234,5` vs `1,234.5`) to settle
#: a column's or a document's.
CONVENTION_MAJORITY = 0.75
#: Share of a line's words that must be header words for the line to be part of a header.
HEADER_WORD_SHARE = 0.6
#: Words of other columns that may stand between two words of one column's name in a header
#: read line by line (`Monto Monto / acumulado acumulado`).
HEADER_INTERLEAVED_WORDS = 4
#: Letters two header words must share to be taken for one (`asign-ado`, `asign-ación`).
STEM = 5
#: Share of a region's lines that are a lone value for it to be read as a cell per line.
CELL_LINES_SHARE = 0.3
#: Characters of text per page, on average, below which a PDF is a scan without a text layer.
MIN_TEXT_PER_PAGE = 4

# --- finding a document's parts (`ingest.py`, `identify.py`, `furniture.py`, `sections.py`) ----
#: Characters of a report's opening pages its identity is read from, and of its closing pages
#: (the Director Provincial's signature).
IDENTITY_HEAD = 300_000
IDENTITY_TAIL = 50_000
#: Bytes of a text input read to tell which report it is before extracting it.
PEEK_BYTES = 5_000_000
#: Opening pages of a PDF read to tell which report it is before extracting it (and its last
#: page, for the signature); the rest is left to the extraction.
PEEK_PAGES = 3
#: Non-blank lines of the opening pages, where a report names its issuing office.
OPENING_LINES = 150
#: Page numbers counting up that mark the pages of a text without form feeds.
MIN_PAGE_RUN = 3
#: Headings a report has at least (a title page with the right words is not a report).
MIN_SECTIONS = 2
#: Lines a heading's title may span, and the length from which an uppercase title line may
#: wrap onto the next.
TITLE_MAX_LINES = 3
TITLE_WRAPPED_LEN = 40
#: Characters a narrative sentence may run to without an end mark before it is cut (a list
#: without punctuation would otherwise be one sentence).
MAX_SENTENCE = 800

# --- tables in text (`tables/text.py`, `tables/layout.py`, `tables/grid.py`)
#: Lines a header block may span (a cell per line in some extractions).
HEADER_MAX_LINES = 14
#: Words of a short line without values taken into a header block: header words no spec knows
#: inside it (`Gasto`), or the label column's header just above it (longer: not a header line).
HEADER_SHORT_LINE_WORDS = 3
#: Rows a grid header may span (grouped and wrapped headers).
GRID_HEADER_MAX_ROWS = 6
#: Rows looked at after a header to count the values a data row carries.
BODY_SAMPLE_ROWS = 12
#: Lines a table body may span after its header.
MAX_BODY_LINES = 120
#: A single cell (or a line without values) this long is a sentence, not a table cell: two
#: such lines end a table's body.
PROSE_LEN = 70
#: Lines a one-line group label may sit from the middle of the rows it is centred on (half a
#: line: the label beside the upper or the lower of the two middle rows).
CENTRED_SLACK = 0.5
#: Rows on which the spec's checks of equality (`ejecucion_pct ~ devengado_usd / codificado_usd * 100`)
#: must hold, net of failures, for a table under a header of words no spec knows to be read.
BLIND_MIN_EQUATIONS = 3
#: Share of a table's labels that must be entries of its label column's vocabulary for its
#: rows to be taken for that dataset's when no header word and no check says so.
LABELS_KNOWN_SHARE = 0.75
#: Spaces that keep two cells apart in a laid-out line.
MIN_GUTTER = 2
#: Value lines a region needs to be read as aligned columns.
MIN_VALUE_LINES = 2
#: Cells a `;`- or tab-separated line needs to be taken for a table row (fewer: prose, a
#: label and its value, which the row reader takes as it is).
DELIMITED_MIN_CELLS = 3

# --- batches ----------------------------------------------------------------------------------
#: Share of their table values a scan (every figure read by OCR) and a PDF with a text layer
#: must share to be one report (the scan a copy); less, and they are a conflict. A PDF and a
#: text are one report only when every table figure agrees (`duplicates._twins`).
TWIN_OVERLAP = 0.5
#: Seconds since its last modification an input must have been left alone, when it was read,
#: for its size, time and inode to stand for its digest in the next run (a file still being
#: written could change again within one modification time: git's "racily clean").
INPUT_SETTLED_SECONDS = 2.0

# --- records printed side by side (`tables/records.py`) ---------------------------------------
#: Lines the rest of a body's name may be printed below its start (`CONTRALORÍA` / a document
#: line / `GENERAL DEL ESTADO`).
RECORD_NAME_LOOKAHEAD = 3
#: Letters a line's first word needs to be taken for the start of a body's name that a narrow
#: cell broke mid-word (`SUPERINTENDEN` / `CIA DE BANCOS`): fewer would take any short word.
RECORD_NAME_CUT = 6
#: Most digits of a bare count where a document's date was due (`… del 4`): a year after `DE`
#: in the examination's text (`… DE DICIEMBRE DE 2020`) is no count.
RECORD_BARE_COUNT_DIGITS = 3
#: Most lines between two lines of one row's short cells (name, document, count).
RECORD_CLUSTER_GAP = 2
#: Most lines a records header spans.
RECORD_HEADER_LINES = 8

# --- OCR --------------------------------------------------------------------------------------
#: Resolution pages are rendered at for OCR (dots per inch): 150-200 reads report text well.
OCR_DPI = 200
#: Pixels a page may take to be read by OCR, its bitmap at `OCR_DPI` and its images as decoded
#: (A4 at 200 dpi: 4 million, A0: 62 million, an A4 scan at 1200 dpi: 140 million; a noisy page
#: of 100 million peaked at 1.7 GB in OCR). A page of 20000 pt would take 3086 million (3 GB
#: before OCR's copies of it): refused before it is rendered.
OCR_MAX_PAGE_PIXELS = 150_000_000
#: Share of a page an image must cover for the page to be read by OCR when its text layer is
#: thin (a table pasted as a picture, a scanned annex).
OCR_IMAGE_COVER = 0.3
#: Characters of text layer below which a page with such an image is read by OCR.
OCR_MAX_TEXT_CHARS = 200
#: Word confidence (0-100) below which a word read by OCR is doubtful: a cell holding one is
#: an anomaly with its raw text.
OCR_LOW_CONFIDENCE = 70.0
#: Skew (degrees) from which a page is straightened before OCR.
OCR_MIN_SKEW_DEGREES = 0.2
#: Length in pixels a text line's baseline must have to count in the skew estimate.
OCR_SKEW_MIN_LINE_PX = 200
#: Grey level (0-255) below which a pixel may belong to a ruling line (scanned rules are light).
OCR_RULE_LEVEL = 200
#: Grey level below which a pixel is ink, when looking for text no word covers.
OCR_INK_LEVEL = 128
#: Pixels around a word's box that belong to the word (not uncovered ink).
OCR_WORD_PAD = 4
#: Ways a box of text is cut to be read again: (pixels of the page around it, pixels of white
#: border added); the most confident reading wins (a lone digit's reading is unstable).
OCR_CELL_CROPS = ((1, 5), (1, 10), (2, 10), (0, 8))
#: Words of at most this many characters are read again when doubtful (a lone `1` read `En`).
OCR_SHORT_WORD = 3
#: Confidence a doubtful short word must reach when read again as digits only to be taken
#: for a number (a lone `1` read `de`).
OCR_DIGITS_CONFIDENCE = 85.0
#: Size of ink no word covers that is read again, against the median word height: from a
#: third (a `1`) to twice; and its least area in pixels (specks are left alone).
OCR_BLOB_MIN_HEIGHT = 0.35
OCR_BLOB_MAX_HEIGHT = 2.0
OCR_BLOB_MIN_AREA = 12
#: Length (inches) from which a straight run of ink is a ruling line, not part of a character.
OCR_RULE_INCHES = 0.3
#: Pixels either side of a ruling line whitened with it (its grey edge in a scan).
OCR_RULE_HALO = 2
#: Words are in one row when their vertical centres are within this share of the median
#: word height.
OCR_ROW_TOL = 0.5
#: Widest gap between two words of one cell, in character widths (wider: another column).
OCR_WORD_GAP = 1.2
#: A gap between rows wider than this many times the usual row pitch is a blank line.
OCR_BLANK_LINE_PITCH = 1.8

# --- OCR of pictures on pages with a text layer (`pictures.py`) ---------------------------------
#: Least size on the page (points) of an image that may hold a pasted table: 2 inches wide,
#: and the height of a header and two rows of 10-point text.
OCR_PICTURE_MIN_WIDTH_PT = 144.0
OCR_PICTURE_MIN_HEIGHT_PT = 40.0
#: Least pixel size of such an image: fewer pixels hold no legible row of figures (an icon).
OCR_PICTURE_MIN_WIDTH_PX = 250
OCR_PICTURE_MIN_HEIGHT_PX = 40
#: Characters of the text layer an image may have over or under it and still be read (a stray
#: page number); more, and its text is in the text layer already.
OCR_PICTURE_MAX_TEXT_CHARS = 20
#: Pages from which an image drawn at the same place with the same pixels is page furniture (a
#: letterhead, a banner), never read.
OCR_PICTURE_REPEATS = 3
#: Resolution a picture is looked at before OCR, to tell a table from a photo or a chart.
OCR_PICTURE_GLANCE_DPI = 36
#: Paper is lighter than `OCR_PICTURE_PAPER_LEVEL` (0-255) and less coloured than
#: `OCR_PICTURE_COLOUR` (the spread of its red, green and blue); a table on white is 55-80%
#: paper, a photo or a drawing on a coloured ground under 5%: at least `OCR_PICTURE_MIN_PAPER`.
OCR_PICTURE_PAPER_LEVEL = 230
OCR_PICTURE_COLOUR = 60
OCR_PICTURE_MIN_PAPER = 0.4
#: Ink is darker than `OCR_PICTURE_INK_LEVEL`, or coloured. A block of ink at least
#: `OCR_PICTURE_BLOCK_PT` thick every way (text, rules are thinner) and taller than
#: `OCR_PICTURE_MAX_BLOCK_PT` is a chart's bar or slice, or a photo (the samples' charts: 126-158
#: pt), not a table's shaded header (one or two rows: under 40 pt).
OCR_PICTURE_INK_LEVEL = 200
OCR_PICTURE_BLOCK_PT = 6.0
OCR_PICTURE_MAX_BLOCK_PT = 40.0
#: Highest resolution a picture is rendered at for OCR (a denser one than `OCR_DPI` is read at
#: its own, up to this).
OCR_PICTURE_MAX_DPI = 300
#: Rows of values (a label, then a figure) a picture's OCR must give to be a table; fewer, and
#: it is a chart or a photo (axis labels, a legend): its words are dropped.
OCR_PICTURE_MIN_VALUE_ROWS = 2
