import pytest

from murporteur.submissions import uploads
from tests import files


@pytest.mark.parametrize("content, mime", [
    (files.pdf(), "application/pdf"), (files.png(), "image/png"), (files.jpeg(), "image/jpeg"),
    (files.docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (files.odt(), "application/vnd.oasis.opendocument.text"),
])
def test_accepted_types_are_recognised_from_their_content(content, mime):
    assert uploads.sniff(content[:8192]) == mime


@pytest.mark.parametrize("content", [files.exe(), b"<html><script>alert(1)</script>",
                                     b"plain text", b"GIF89a\x01\x00"])
def test_other_types_are_refused(content):
    assert uploads.sniff(content) is None


def test_names_are_cleaned_of_paths_and_control_characters():
    assert uploads.clean_name("../../etc/passwd") == "passwd"
    assert uploads.clean_name("C:\\Users\\a\\budget 2026.pdf") == "budget 2026.pdf"
    assert uploads.clean_name("rapport\x00\n.pdf") == "rapport.pdf"
    assert uploads.clean_name("") == "document"
    assert len(uploads.clean_name("a" * 300 + ".pdf")) <= 120
    assert uploads.clean_name("a" * 300 + ".pdf").endswith(".pdf")


def test_a_file_is_downloaded_under_an_extension_matching_its_content(app):
    from murporteur.submissions.models import Document

    doc = Document(original_name="photo", content_type="image/png")
    assert uploads.download_name(doc) == "photo.png"
    doc = Document(original_name="plan.jpeg", content_type="image/jpeg")
    assert uploads.download_name(doc) == "plan.jpeg"


def test_a_file_over_ten_megabytes_is_refused_and_nothing_is_left_on_disk(app, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FILE_SIZE", 1000)
    with pytest.raises(uploads.UploadRefused, match="dépasse 10 Mo"):
        uploads.store(files.upload_storage(files.pdf() + b"0" * 2000, "gros.pdf"))
    from pathlib import Path

    leftovers = [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()
                 and p.name.startswith(".upload-")]
    assert leftovers == []


def test_an_empty_file_is_refused(app):
    with pytest.raises(uploads.UploadRefused, match="vide"):
        uploads.store(files.upload_storage(b"", "vide.pdf"))


def test_at_most_five_files(app):
    storages = [files.upload_storage(files.png(), f"photo{i}.png") for i in range(4)]
    documents, errors = uploads.store_many(storages, already=2)
    assert len(documents) == 3
    assert errors == ["« photo3.png » n'a pas été ajouté : 5 fichiers au plus."]


def test_stored_files_get_random_names_and_their_digest(app):
    document = uploads.store(files.upload_storage(files.pdf(), "budget.pdf"))
    other = uploads.store(files.upload_storage(files.pdf(), "budget.pdf"))
    assert document.storage_name != other.storage_name
    assert len(document.storage_name) == 32 and "budget" not in document.storage_name
    assert uploads.path_of(document).read_bytes() == files.pdf()
    import hashlib

    assert document.sha256 == hashlib.sha256(files.pdf()).hexdigest()
