"""Evidence photos for the demo's records waiting in Pak Budi's queue (JOURNEYS.md: he approves
"looking at each photo").

Each photo is drawn with Pillow when the demo loads, the same every time for the same record
(a seed of the unit's code and the student's NISN): a workshop scene of the unit's practical
task (the training car's orange high-voltage cables, insulating gloves at the roll test, cones
and a danger sign around the car). Nothing is downloaded. They are attached as the student would
attach them (training.completions.attach_photo: re-encoded, stored, audited), so the queue's
thumbnails and the review page show them as real evidence.
"""

import io
import random

from PIL import Image, ImageDraw, ImageFilter
from sqlmodel import col, select

from eduplatform.curriculum.models import Unit
from eduplatform.people.models import Cohort, User
from eduplatform.training.completions import attach_photo
from eduplatform.training.models import CompletionStatus, UnitCompletion

SIZE = (960, 720)
ORANGE = (236, 110, 20)
YELLOW = (246, 200, 30)


def _workshop(draw, rng):
    """A workshop: a lit wall, an epoxy floor with a yellow walkway line, a tool board."""
    width, height = SIZE
    horizon = int(height * rng.uniform(0.42, 0.5))
    wall = (rng.randint(170, 200), rng.randint(175, 200), rng.randint(180, 205))
    for y in range(horizon):  # light from above
        shade = int(30 * y / horizon)
        draw.line([(0, y), (width, y)], fill=tuple(c - shade for c in wall))
    floor = (rng.randint(95, 115), rng.randint(110, 125), rng.randint(100, 115))
    for y in range(horizon, height):
        shade = int(35 * (y - horizon) / (height - horizon))
        draw.line([(0, y), (width, y)], fill=tuple(c - shade for c in floor))
    draw.polygon(
        [(0, height - 40), (width, horizon + 60), (width, horizon + 72), (0, height - 20)],
        fill=YELLOW,
    )
    board = (int(width * 0.62), int(horizon * 0.18), int(width * 0.95), int(horizon * 0.8))
    draw.rectangle(board, fill=(92, 92, 98), outline=(60, 60, 64), width=4)
    for _tool in range(6):  # spanners and screwdrivers on the board
        x = rng.randint(board[0] + 20, board[2] - 40)
        y = rng.randint(board[1] + 15, board[3] - 70)
        colour = rng.choice([(200, 40, 40), (40, 90, 190), (220, 220, 225), ORANGE])
        draw.rounded_rectangle((x, y, x + 12, y + rng.randint(45, 70)), 5, fill=colour)
    return horizon


def _car(draw, rng, horizon, *, bonnet_open=True):
    """The school's training car from the side, bonnet open."""
    left = int(SIZE[0] * rng.uniform(0.08, 0.16))
    right = left + int(SIZE[0] * 0.62)
    bottom = horizon + int((SIZE[1] - horizon) * 0.62)
    body = rng.choice([(235, 235, 238), (40, 110, 160), (170, 30, 40)])
    draw.rounded_rectangle((left, bottom - 150, right, bottom - 40), 35, fill=body)
    draw.polygon(
        [(left + 150, bottom - 150), (left + 230, bottom - 250), (right - 170, bottom - 250),
         (right - 90, bottom - 150)],
        fill=body,
    )  # fmt: skip
    draw.polygon(
        [(left + 175, bottom - 152), (left + 240, bottom - 232), (right - 180, bottom - 232),
         (right - 115, bottom - 152)],
        fill=(150, 185, 205),
    )  # fmt: skip
    for x in (left + 110, right - 110):
        draw.ellipse((x - 58, bottom - 98, x + 58, bottom + 18), fill=(25, 25, 28))
        draw.ellipse((x - 28, bottom - 68, x + 28, bottom - 12), fill=(150, 150, 155))
    if bonnet_open:
        draw.polygon(
            [(right - 60, bottom - 150), (right + 40, bottom - 300), (right + 60, bottom - 288),
             (right - 20, bottom - 140)],
            fill=tuple(max(c - 30, 0) for c in body),
        )  # fmt: skip
    return left, right, bottom


def _orange_cables(draw, rng, car):
    """High-voltage cables in the engine bay, with a warning label."""
    _left, right, bottom = car
    bay = (right - 230, bottom - 148, right - 30, bottom - 60)
    draw.rectangle(bay, fill=(45, 45, 50))
    for n in range(3):
        y = bay[1] + 18 + n * 22 + rng.randint(-4, 4)
        draw.arc((bay[0] - 40, y - 30, bay[2] + 10, y + 40), 200, 340, fill=ORANGE, width=11)
    label = (bay[0] + 20, bay[1] - 70, bay[0] + 90, bay[1] - 10)
    draw.polygon(
        [(label[0], label[3]), ((label[0] + label[2]) // 2, label[1]), (label[2], label[3])],
        fill=YELLOW,
        outline=(20, 20, 20),
    )
    middle = (label[0] + label[2]) // 2
    draw.line(
        [(middle + 6, label[1] + 20), (middle - 8, label[1] + 40), (middle + 8, label[1] + 40),
         (middle - 6, label[3] - 8)],
        fill=(20, 20, 20), width=4,
    )  # fmt: skip


def _gloves(draw, rng, horizon):
    """A workbench with a pair of insulating gloves, one rolled up for the air test."""
    top = horizon + 60
    draw.rectangle((60, top, SIZE[0] - 60, top + 40), fill=(150, 105, 60))
    draw.rectangle((80, top + 40, 110, SIZE[1]), fill=(110, 80, 45))
    draw.rectangle((SIZE[0] - 110, top + 40, SIZE[0] - 80, SIZE[1]), fill=(110, 80, 45))
    colour = rng.choice([(200, 30, 35), (230, 180, 20)])
    for n, x in enumerate((260, 520)):
        cuff = top - 10
        draw.rounded_rectangle((x, cuff - 230, x + 150, cuff), 40, fill=colour)
        for finger in range(4):
            fx = x + 8 + finger * 36
            draw.rounded_rectangle((fx, cuff - 300, fx + 30, cuff - 200), 14, fill=colour)
        draw.rounded_rectangle((x - 40, cuff - 170, x + 10, cuff - 90), 20, fill=colour)
        if n == 1:  # rolled from the cuff: a thick roll of rubber
            draw.rounded_rectangle((x - 8, cuff - 30, x + 158, cuff + 6), 18, fill=(60, 60, 60))
        draw.rectangle((x + 40, cuff - 60, x + 110, cuff - 35), fill=(250, 250, 250))
        draw.text((x + 50, cuff - 57), "KELAS 0", fill=(20, 20, 20))


def _barrier(draw, rng, horizon, car):
    """Cones with a red and white chain around the car, and a danger sign on a stand."""
    left, right, bottom = car
    posts = [left - 40, (left + right) // 2, right + 60]
    base = bottom + 60
    for x in posts:
        draw.polygon([(x - 28, base), (x, base - 95), (x + 28, base)], fill=ORANGE)
        draw.polygon([(x - 17, base - 40), (x - 11, base - 60), (x + 11, base - 60),
                      (x + 17, base - 40)], fill=(245, 245, 245))  # fmt: skip
    for a, b in zip(posts, posts[1:], strict=False):
        for n in range(8):
            x0 = a + (b - a) * n // 8
            x1 = a + (b - a) * (n + 1) // 8
            draw.line([(x0, base - 80), (x1, base - 80)], fill=(210, 30, 30) if n % 2 else
                      (245, 245, 245), width=7)  # fmt: skip
    sign_x = int(SIZE[0] * rng.uniform(0.8, 0.88))
    draw.rectangle((sign_x - 4, horizon - 20, sign_x + 4, base), fill=(70, 70, 70))
    draw.rectangle((sign_x - 70, horizon - 110, sign_x + 70, horizon - 10), fill=(250, 250, 250),
                   outline=(200, 20, 20), width=6)  # fmt: skip
    draw.text((sign_x - 52, horizon - 85), "BAHAYA", fill=(200, 20, 20))
    draw.text((sign_x - 52, horizon - 55), "TEGANGAN TINGGI", fill=(20, 20, 20))


def evidence_photo(unit_code, seed):
    """JPEG bytes of a workshop photo of this unit's task; the same bytes for the same seed."""
    rng = random.Random(f"{unit_code}:{seed}")
    picture = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(picture)
    horizon = _workshop(draw, rng)
    if unit_code.endswith("-U2"):
        _gloves(draw, rng, horizon)
    else:
        car = _car(draw, rng, horizon)
        if unit_code.endswith("-U3"):
            _barrier(draw, rng, horizon, car)
        else:
            _orange_cables(draw, rng, car)
    # A phone camera's softness and grain, so it reads as a photo rather than a drawing.
    picture = picture.filter(ImageFilter.GaussianBlur(1.2))
    small = (SIZE[0] // 2, SIZE[1] // 2)
    grain = Image.frombytes("L", small, rng.randbytes(small[0] * small[1])).resize(SIZE)
    picture = Image.blend(picture, grain.convert("RGB"), 0.05)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def photograph_waiting_work(session, school):
    """Attach an evidence photo to each record of the school's classes that waits for review
    without one (the few of Pak Budi's queue: demo loading stays quick)."""
    rows = session.exec(
        select(UnitCompletion, Unit, User)
        .join(Unit, col(Unit.id) == UnitCompletion.unit_id)
        .join(User, col(User.id) == UnitCompletion.student_id)
        .join(Cohort, col(Cohort.id) == UnitCompletion.cohort_id)
        .where(
            Cohort.school_id == school.id,
            UnitCompletion.status == CompletionStatus.SUBMITTED,
            col(UnitCompletion.photo_name).is_(None),
        )
        .order_by(UnitCompletion.id)
    ).all()
    for completion, unit, student in rows:
        photo = io.BytesIO(evidence_photo(unit.code, student.nisn or student.id))
        photo.filename = f"IMG_{unit.code}_{student.nisn or student.id}.jpg"
        attach_photo(session, actor=student, completion=completion, photo=photo)
