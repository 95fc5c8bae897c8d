from people.access import current_person


def current_person_context(request):
    return {"current_person": current_person(request)}
